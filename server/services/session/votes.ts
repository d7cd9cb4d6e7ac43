import type { Sql } from "../../../db/client";
import { MEETING_KIND_LABEL } from "../../../shared/domain/labels";
import {
  CHOICES,
  ChoiceSchema,
  MATTER_KINDS,
  MATTER_LABEL,
  NO_VOTE_MESSAGE,
  OpenVoteSchema,
  PRESENT_STATUSES,
  electorate,
  isPresent,
  noVoteReason,
  quorum,
  quorumRefusal,
  resultText,
  tallyVisible,
  voteResult,
  writtenOpinionsCount,
  type Choice,
  type Invitee,
  type MatterKind,
  type OpenVoteInput,
  type Quorum,
  type Tally,
  type VoteResult,
} from "../../../shared/domain/votes";
import type { Access, Subject } from "../../../shared/permissions";
import type { Actor } from "../actor";
import { DomainError, hidden, isUniqueViolation, UUID_RE } from "../errors";
import { loadMeetingScope, refuseIfSealed, type MeetingRow } from "../meeting-scope";

// Votes at a 支部党员大会: open (host or managers, with a quorum), cast (present voting members,
// once), written opinions of absent voters (where the matter counts them), close (freezes the
// result), and what the session page shows. Who runs a vote is who runs the meeting's
// attendance (sessionAccess "manage": the host and the managers of the branch or above).
// The rules themselves are pure, in shared/domain/votes.ts; secret ballots are stored as counts
// only (db/migrations/006_votes.sql, docs/decisions/011-votes.md).

interface LoadedMeeting {
  row: MeetingRow;
  access: Access;
}

/**
 * The meeting and the subject's access to it (sessionAccess); `none` becomes a 404. Inside a
 * transaction: `lock` to serialise opening votes per meeting, else read afresh.
 */
async function loadMeeting(t: Sql, subject: Subject, meetingId: string, lock = false): Promise<LoadedMeeting> {
  const scope = await loadMeetingScope(t, subject, meetingId, lock ? { lock } : { fresh: true });
  // Every change to a vote comes through here: a sealed record's votes are final.
  refuseIfSealed(scope);
  return { row: scope.row, access: scope.session };
}

const requireManage = (m: LoadedMeeting, what: string) => {
  if (m.access !== "manage") throw new DomainError(`只有主持人、书记、副书记或组织委员可以${what}。`, 403);
};

/** Why votes cannot be held in this meeting now, or null. */
function holdRefusal(row: MeetingRow): DomainError | null {
  if (row.kind !== "general_assembly")
    return new DomainError(`只有支部党员大会可以表决；本次会议是“${MEETING_KIND_LABEL[row.kind]}”。`, 400);
  if (row.status === "cancelled") return new DomainError("会议已取消，不能表决。", 409);
  if (!row.session_started_at) return new DomainError("会议尚未开始：请主持人先开始会议，再发起表决。", 409);
  if (row.session_ended_at) return new DomainError("会议已经结束，不能再表决。", 409);
  return null;
}

type Person = Invitee & { name: string };

/**
 * Everyone on the meeting's list (应到 and 列席), or only `userId` (then also when not on the
 * list), with their category, live memberships in the meeting's organisation and below, and
 * attendance.
 */
async function people(t: Sql, row: MeetingRow, userId?: string): Promise<Person[]> {
  return t<Person[]>`
    with recursive sub as (
      select id from organizations where id = ${row.org_id}
      union
      select o.id from organizations o join sub on o.parent_id = sub.id
    )
    select u.id as "userId", u.display_name as name, u.category, i.role, a.status as attendance,
      (select coalesce(json_agg(json_build_object('mobile', ms.mobile)), '[]'::json) from memberships ms
        where ms.user_id = u.id and ms.ended_at is null and ms.org_id in (select id from sub)) as memberships
    from users u
      ${userId ? t`left join` : t`join`} meeting_invitees i on i.user_id = u.id and i.meeting_id = ${row.id}
      left join attendance a on a.meeting_id = ${row.id} and a.user_id = u.id
    ${userId ? t`where u.id = ${userId}` : t``}
    order by u.display_name, u.id`;
}

interface VoteRow {
  id: string;
  meeting_id: string;
  agenda_item_id: string | null;
  matter: MatterKind;
  title: string;
  secret: boolean;
  status: "open" | "closed";
  opened_by: string;
  opened_at: Date;
  expected: number;
  present_at_open: number;
  for_count: number;
  against_count: number;
  abstain_count: number;
  written_for: number;
  written_against: number;
  written_abstain: number;
  closed_by: string | null;
  closed_at: Date | null;
  present_at_close: number | null;
  passed: boolean | null;
}

/** Locks the vote (every ballot, written opinion and the close go through this row) and loads its meeting. */
async function lockVote(t: Sql, subject: Subject, voteId: string): Promise<{ vote: VoteRow; m: LoadedMeeting }> {
  if (!UUID_RE.test(voteId)) throw hidden();
  const [vote] = await t<VoteRow[]>`select * from votes where id = ${voteId} for update`;
  if (!vote) throw hidden();
  return { vote, m: await loadMeeting(t, subject, vote.meeting_id) };
}

const ballotsOf = (v: VoteRow): Tally => ({ for: v.for_count, against: v.against_count, abstain: v.abstain_count });
const writtenOf = (v: VoteRow): Tally => ({
  for: v.written_for,
  against: v.written_against,
  abstain: v.written_abstain,
});
/** Column increments for one choice, as parameters, so the statement's text is the same whatever the choice. */
const plus = (c: Choice) => CHOICES.map((x) => (x === c ? 1 : 0)) as [number, number, number];

function parseChoice(choice: unknown): Choice {
  const c = ChoiceSchema.safeParse(choice);
  if (!c.success) throw new DomainError(c.error.issues[0].message, 400, "choice");
  return c.data;
}

/** Voting members of the vote who are present now. */
async function presentElectors(t: Sql, v: VoteRow): Promise<number> {
  const [{ n }] = await t<{ n: number }[]>`
    select count(*)::int as n from vote_electors e
      join attendance a on a.meeting_id = ${v.meeting_id} and a.user_id = e.user_id
    where e.vote_id = ${v.id} and a.status = any(${PRESENT_STATUSES as unknown as string[]}::text[])`;
  return n;
}

export interface OpenedVote {
  id: string;
  quorum: Quorum;
}

/**
 * Opens a vote on a matter. Only the host or the managers of the meeting; only at a 支部党员大会
 * whose session has started and not ended; one open vote at a time; and only with a quorum (more
 * than half of the voting members on the 应到 list present), else 409 with the figures. The
 * voting members are fixed now: someone added to the list later does not change the base.
 */
export async function openVote(sql: Sql, actor: Actor, meetingId: string, input: OpenVoteInput): Promise<OpenedVote> {
  const parsed = OpenVoteSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError(issue.message, 400, issue.path.length ? String(issue.path[0]) : undefined);
  }
  const { title, matter, secret, agendaItemId } = parsed.data;
  try {
    return (await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      // The meeting row lock serialises opening (and the session's start and end) per meeting.
      const m = await loadMeeting(t, actor.subject, meetingId, true);
      requireManage(m, "发起表决");
      const refusal = holdRefusal(m.row);
      if (refusal) throw refusal;
      if (agendaItemId) {
        const [item] = await t`
          select 1 from meeting_agenda_items where id = ${agendaItemId} and meeting_id = ${meetingId}`;
        if (!item) throw new DomainError("所选议程不属于本次会议。", 400, "agendaItemId");
      }
      const [open] = await t<{ title: string }[]>`
        select title from votes where meeting_id = ${meetingId} and status = 'open'`;
      if (open) throw new DomainError(`“${open.title}”的表决还在进行，请先结束它再发起新的表决。`, 409);
      const e = electorate(await people(t, m.row));
      if (!e.quorum.holds) throw new DomainError(quorumRefusal(e.quorum), 409);
      const [v] = await t<{ id: string }[]>`
        insert into votes (meeting_id, agenda_item_id, matter, title, secret, opened_by, expected, present_at_open)
        values (${meetingId}, ${agendaItemId}, ${matter}, ${title}, ${secret}, ${actor.userId},
          ${e.quorum.expected}, ${e.quorum.present})
        returning id`;
      await t`
        insert into vote_electors (vote_id, secret, user_id)
        select ${v.id}, ${secret}, u from unnest(${e.electors.map((p) => p.userId)}::uuid[]) as u`;
      return { id: v.id, quorum: e.quorum };
    })) as OpenedVote;
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError("另一项表决刚刚开始，请先结束它再发起新的表决。", 409);
    throw err;
  }
}

/**
 * The signed-in member's ballot: only a voting member of this vote who is present, once. A
 * second ballot (also two at once: the vote row is locked) is 409; for a secret vote the choice
 * goes into the counts only.
 */
export async function castBallot(sql: Sql, actor: Actor, voteId: string, choice: unknown): Promise<void> {
  if (!UUID_RE.test(voteId)) throw hidden();
  const c = parseChoice(choice);
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { vote, m } = await lockVote(t, actor.subject, voteId);
    if (vote.status === "closed") throw new DomainError("本项表决已经结束，不能再投票。", 409);
    if (m.row.session_ended_at) throw new DomainError("会议已经结束，不能再投票。", 409);
    const [el] = await t<{ via: "ballot" | "written" | null }[]>`
      select via from vote_electors where vote_id = ${voteId} and user_id = ${actor.userId}`;
    if (!el) {
      const [me] = await people(t, m.row, actor.userId);
      const reason = me ? noVoteReason(me) : "not_invited";
      throw new DomainError(reason ? NO_VOTE_MESSAGE[reason] : "表决开始后才列入应到名单，不能参加本项表决。", 403);
    }
    if (el.via === "written") throw new DomainError("已登记了你的书面意见，不能再投票。", 409);
    if (el.via === "ballot") throw new DomainError("你已经投过票了，不能重复投票。", 409);
    const [att] = await t<{ status: string }[]>`
      select status from attendance where meeting_id = ${vote.meeting_id} and user_id = ${actor.userId}`;
    if (!isPresent(att?.status)) throw new DomainError("请先签到：到会的有表决权党员才能投票。", 403);
    const done = await t`
      update vote_electors set cast_at = now(), via = 'ballot', choice = ${vote.secret ? null : c}
      where vote_id = ${voteId} and user_id = ${actor.userId} and cast_at is null returning 1`;
    if (done.length === 0) throw new DomainError("你已经投过票了，不能重复投票。", 409);
    const [f, a, ab] = plus(c);
    await t`
      update votes set for_count = for_count + ${f}, against_count = against_count + ${a},
        abstain_count = abstain_count + ${ab}
      where id = ${voteId}`;
  });
}

/**
 * The host records the written opinion (书面意见) an absent voting member handed in before the
 * discussion, where the matter counts them (admitting a 预备党员). Once per person, instead of a
 * ballot; for a secret vote only the counts keep the choice.
 */
export async function recordWrittenOpinion(
  sql: Sql,
  actor: Actor,
  voteId: string,
  userId: string,
  choice: unknown,
): Promise<void> {
  if (!UUID_RE.test(voteId)) throw hidden();
  if (!UUID_RE.test(userId)) throw new DomainError("请选择因故未到会的有表决权党员。", 400, "userId");
  const c = parseChoice(choice);
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { vote, m } = await lockVote(t, actor.subject, voteId);
    requireManage(m, "登记书面意见");
    if (vote.status === "closed") throw new DomainError("本项表决已经结束，不能再登记书面意见。", 409);
    if (m.row.session_ended_at) throw new DomainError("会议已经结束，不能再登记书面意见。", 409);
    if (!writtenOpinionsCount(vote.matter))
      throw new DomainError(
        `“${MATTER_LABEL[vote.matter]}”的表决不计书面意见：只有接收预备党员时，因故不能到会的有表决权党员的书面意见才统计在票数内。`,
        400,
      );
    const [el] = await t<{ via: "ballot" | "written" | null }[]>`
      select via from vote_electors where vote_id = ${voteId} and user_id = ${userId}`;
    const [who] = await people(t, m.row, userId);
    if (!who) throw new DomainError("没有找到此人。", 400, "userId");
    if (!el) {
      const reason = noVoteReason(who);
      throw new DomainError(
        `${who.name}：${reason ? NO_VOTE_MESSAGE[reason] : "表决开始后才列入应到名单，不能参加本项表决。"}`,
        400,
        "userId",
      );
    }
    if (el.via === "ballot") throw new DomainError(`${who.name}已经投票，不能再登记书面意见。`, 409, "userId");
    if (el.via === "written") throw new DomainError(`已经登记过${who.name}的书面意见。`, 409, "userId");
    if (isPresent(who.attendance))
      throw new DomainError(`${who.name}已到会，应由本人当场投票，不能登记书面意见。`, 409, "userId");
    await t`
      update vote_electors set cast_at = now(), via = 'written', choice = ${vote.secret ? null : c},
        recorded_by = ${actor.userId}
      where vote_id = ${voteId} and user_id = ${userId} and cast_at is null`;
    const [f, a, ab] = plus(c);
    await t`
      update votes set written_for = written_for + ${f}, written_against = written_against + ${a},
        written_abstain = written_abstain + ${ab}
      where id = ${voteId}`;
  });
}

export interface ClosedVote {
  id: string;
  result: VoteResult;
  /** The result in one paragraph, for the minutes. */
  text: string;
}

/** Closes a vote: the counts stop, those present are counted once more, and whether it passed is stored. */
export async function closeVote(sql: Sql, actor: Actor, voteId: string): Promise<ClosedVote> {
  if (!UUID_RE.test(voteId)) throw hidden();
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { vote, m } = await lockVote(t, actor.subject, voteId);
    requireManage(m, "结束表决");
    if (vote.status === "closed") throw new DomainError("本项表决已经结束。", 409);
    const result = voteResult({
      matter: vote.matter,
      expected: vote.expected,
      present: await presentElectors(t, vote),
      ballots: ballotsOf(vote),
      written: writtenOf(vote),
    });
    await t`
      update votes set status = 'closed', closed_by = ${actor.userId}, closed_at = now(),
        present_at_close = ${result.present}, passed = ${result.passed}
      where id = ${voteId}`;
    return { id: voteId, result, text: resultText({ title: vote.title, secret: vote.secret, result }) };
  })) as ClosedVote;
}

// ---------------------------------------------------------------------------------------------
// What the session page shows
// ---------------------------------------------------------------------------------------------

export interface ElectorView {
  userId: string;
  name: string;
  present: boolean;
  /** How they took part, if they did. */
  voted: "ballot" | "written" | null;
  /** Their choice: only for an open ballot (a secret one is not stored). */
  choice: Choice | null;
}

export interface VoteView {
  id: string;
  title: string;
  matter: MatterKind;
  matterLabel: string;
  secret: boolean;
  status: "open" | "closed";
  agendaItem: { id: string; title: string } | null;
  openedAt: Date;
  openedByName: string;
  closedAt: Date | null;
  closedByName: string | null;
  /** 应到有表决权党员 (fixed at opening) and those of them present: now while open, at closing once closed. */
  quorum: Quorum;
  /** Those present when it opened. */
  presentAtOpen: number;
  /** How many have taken part so far, always shown. */
  cast: { ballots: number; written: number };
  /** The split; null while a secret vote is open (tallyVisible). */
  tally: { ballots: Tally; written: Tally } | null;
  /** Once closed: the counts that decide and whether it passed, and the paragraph for the minutes. */
  result: VoteResult | null;
  resultText: string | null;
  /** Whether written opinions count for this matter. */
  writtenCounts: boolean;
  electors: ElectorView[];
  /** The viewer. */
  me: {
    elector: boolean;
    voted: "ballot" | "written" | null;
    /** Their own choice, for an open ballot only. */
    choice: Choice | null;
    canVote: boolean;
    /** Why not, when they cannot (in Chinese), or null. */
    reason: string | null;
  };
  /** May close it and record written opinions (those only while open and where they count). */
  canClose: boolean;
  canRecordWritten: boolean;
}

export interface MeetingVotes {
  access: Access;
  /** The session has ended: no vote can be opened or cast any more, only results remain. */
  ended: boolean;
  /** Whether the viewer may open a vote now, and if not (for a manager) why not. */
  canOpen: boolean;
  openRefusal: string | null;
  /** From the current 应到 list: voting members and those of them present. */
  quorum: Quorum;
  matters: { value: MatterKind; label: string; writtenCounts: boolean }[];
  votes: VoteView[];
}

/**
 * The votes of a meeting as the viewer may see them: per vote the quorum (live while open), the
 * counts (a secret vote's split only once closed, never with names), the result once closed,
 * and whether the viewer has voted and may vote. A hidden meeting is a 404.
 */
export async function votesFor(sql: Sql, viewer: Pick<Actor, "subject">, meetingId: string): Promise<MeetingVotes> {
  const subject = viewer.subject;
  const scope = await loadMeetingScope(sql, subject, meetingId);
  const m: LoadedMeeting = { row: scope.row, access: scope.session };
  const list = await people(sql, m.row);
  const live = electorate(list);
  const byId = new Map(list.map((p) => [p.userId, p]));
  const rows = await sql<(VoteRow & { opened_by_name: string; closed_by_name: string | null; item: string | null })[]>`
    select v.*, ob.display_name as opened_by_name, cb.display_name as closed_by_name, ai.title as item
    from votes v join users ob on ob.id = v.opened_by left join users cb on cb.id = v.closed_by
      left join meeting_agenda_items ai on ai.id = v.agenda_item_id
    where v.meeting_id = ${meetingId} order by v.opened_at, v.id`;
  const electorRows = rows.length
    ? await sql<
        {
          vote_id: string;
          user_id: string;
          name: string;
          via: "ballot" | "written" | null;
          choice: Choice | null;
          attendance: string | null;
        }[]
      >`
        select e.vote_id, e.user_id, u.display_name as name, e.via, e.choice, a.status as attendance
        from vote_electors e join users u on u.id = e.user_id
          left join attendance a on a.meeting_id = ${meetingId} and a.user_id = e.user_id
        where e.vote_id = any(${rows.map((r) => r.id)}::uuid[])
        order by u.display_name, u.id`
    : [];
  const manage = m.access === "manage";
  const holdRefused = holdRefusal(m.row);
  const openVote = rows.find((r) => r.status === "open");
  const openRefusal = !manage
    ? null
    : (holdRefused?.message ??
      (openVote
        ? `“${openVote.title}”的表决还在进行，请先结束它再发起新的表决。`
        : live.quorum.holds
          ? null
          : quorumRefusal(live.quorum)));

  const votes = rows.map((v): VoteView => {
    const electors: ElectorView[] = electorRows
      .filter((e) => e.vote_id === v.id)
      .map((e) => ({
        userId: e.user_id,
        name: e.name,
        present: isPresent(e.attendance),
        voted: e.via,
        choice: v.secret ? null : e.choice,
      }));
    const present = v.status === "closed" ? v.present_at_close! : electors.filter((e) => e.present).length;
    const ballots = ballotsOf(v);
    const written = writtenOf(v);
    const result =
      v.status === "closed" ? voteResult({ matter: v.matter, expected: v.expected, present, ballots, written }) : null;
    const mine = electors.find((e) => e.userId === subject.userId) ?? null;
    let reason: string | null = null;
    if (v.status === "closed") reason = "本项表决已经结束。";
    else if (m.row.session_ended_at) reason = "会议已经结束。";
    else if (!mine) {
      const p = byId.get(subject.userId);
      const r = p ? noVoteReason(p) : "not_invited";
      reason = r ? NO_VOTE_MESSAGE[r] : "表决开始后才列入应到名单，不能参加本项表决。";
    } else if (mine.voted === "written") reason = "已登记了你的书面意见。";
    else if (mine.voted === "ballot") reason = "你已经投票。";
    else if (!mine.present) reason = "请先签到：到会的有表决权党员才能投票。";
    const open = v.status === "open" && !m.row.session_ended_at;
    return {
      id: v.id,
      title: v.title,
      matter: v.matter,
      matterLabel: MATTER_LABEL[v.matter],
      secret: v.secret,
      status: v.status,
      agendaItem: v.agenda_item_id && v.item ? { id: v.agenda_item_id, title: v.item } : null,
      openedAt: v.opened_at,
      openedByName: v.opened_by_name,
      closedAt: v.closed_at,
      closedByName: v.closed_by_name,
      quorum: quorum(v.expected, present),
      presentAtOpen: v.present_at_open,
      cast: {
        ballots: v.for_count + v.against_count + v.abstain_count,
        written: v.written_for + v.written_against + v.written_abstain,
      },
      tally: tallyVisible(v.secret, v.status) ? { ballots, written } : null,
      result,
      resultText: result ? resultText({ title: v.title, secret: v.secret, result }) : null,
      writtenCounts: writtenOpinionsCount(v.matter),
      electors,
      me: {
        elector: mine !== null,
        voted: mine?.voted ?? null,
        choice: mine?.choice ?? null,
        canVote: reason === null,
        reason,
      },
      canClose: manage && v.status === "open",
      canRecordWritten: manage && open && writtenOpinionsCount(v.matter),
    };
  });

  return {
    access: m.access,
    ended: m.row.session_ended_at !== null,
    canOpen: manage && openRefusal === null,
    openRefusal,
    quorum: live.quorum,
    matters: MATTER_KINDS.map((value) => ({
      value,
      label: MATTER_LABEL[value],
      writtenCounts: writtenOpinionsCount(value),
    })),
    votes,
  };
}

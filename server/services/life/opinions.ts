import type { Sql } from "../../../db/client";
import { hasLifeCycle } from "../../../shared/domain/life-cycle";
import type { LifeStage } from "../../../shared/domain/life-stages";
import { UUID_RE } from "../../../shared/ids";
import {
  mayHandleOpinions,
  maySendOpinion,
  opinionAccess,
  opinionsPageAccess,
  type OpinionAccess,
  type OpinionsPageAccess,
  type Subject,
} from "../../../shared/permissions";
import { OPINION_MAX, type OpinionAbout } from "../../../shared/schemas/opinions";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { loadMeetingScope, meetingRecord, type MeetingRecord, type MeetingScope } from "../meeting-scope";
import { notify } from "../notifications";
import { aboveGrantActive } from "./above-access";

// 征求意见 before a 组织生活会 (issue 16 §1, docs/decisions/032). Members send opinions while the
// preparation stage is open (from scheduling until the meeting ends); the 书记 types in those
// collected offline from the masses. Who sees what is opinionAccess (shared/permissions): the
// sender's name leaves this module only in the 支委's view, and every such read is audited, as is
// the level above reading with a grant. Sending itself is not audited: an audit entry with the
// sender as actor would name them to whoever reads the log (the managers above).

/** One opinion as a page shows it to one person. `senderName` is present only for the 支委. */
export interface OpinionView {
  id: string;
  about: OpinionAbout;
  aboutPersonId: string | null;
  aboutName: string | null;
  text: string;
  /** Typed in by the 书记 from what the masses said offline. */
  fromMasses: boolean;
  /** The 支委's view only. */
  senderName?: string | null;
  /** When it was sent: for the sender and the 支委 (not for the person concerned: a time can tell who wrote it). */
  createdAt: Date | null;
  sorted: boolean;
  problemId: string | null;
  passedAt: Date | null;
  /** The 整改清单 item made from it, if any (支委 only). */
  itemId: string | null;
  access: OpinionAccess;
}

interface Row {
  id: string;
  about: OpinionAbout;
  aboutPersonId: string | null;
  aboutName: string | null;
  senderId: string | null;
  senderName: string | null;
  fromMasses: boolean;
  text: string;
  createdAt: Date;
  problemId: string | null;
  passedAt: Date | null;
  itemId: string | null;
}

/** The preparation stage takes opinions from scheduling until the meeting ends (or is cancelled). */
export function opinionsOpen(row: MeetingRecord["row"], now = new Date()): boolean {
  return row.status === "scheduled" && row.session_ended_at === null && now < new Date(row.ends_at);
}

/** The meeting, if it is one with a preparation cycle that this person may see; else hidden (404). */
async function preparedMeeting(sql: Sql, subject: Subject, meetingId: string, fresh = false) {
  const scope = await loadMeetingScope(sql, subject, meetingId, { fresh });
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
  const aboveGrant = await aboveGrantActive(sql, subject.userId, scope.row.id);
  const page = opinionsPageAccess(subject, scope.resource, aboveGrant);
  if (page === "none") throw hidden();
  return { scope, aboveGrant, page };
}

/** For an action: 404 before anything is read from the form when the page is hidden from this person. */
export async function requireOpinionsPage(sql: Sql, subject: Subject, meetingId: string): Promise<OpinionsPageAccess> {
  return (await preparedMeeting(sql, subject, meetingId)).page;
}

async function opinionRows(sql: Sql, meetingId: string, opinionId?: string) {
  return sql<Row[]>`
    select o.id, o.about, o.about_person_id as "aboutPersonId", a.display_name as "aboutName",
      o.sender_id as "senderId", s.display_name as "senderName", o.from_masses as "fromMasses", o.text,
      o.created_at as "createdAt", o.problem_id as "problemId", o.passed_at as "passedAt", r.id as "itemId"
    from life_opinions o
    left join users a on a.id = o.about_person_id
    left join users s on s.id = o.sender_id
    left join rectification_items r on r.source_kind = 'opinion' and r.source_id = o.id
    where o.meeting_id = ${meetingId} ${opinionId ? sql`and o.id = ${opinionId}` : sql``}
    order by o.created_at, o.id`;
}

const accessOf = (subject: Subject, scope: MeetingRecord, r: Row, aboveGrant: boolean) =>
  opinionAccess(subject, {
    meeting: scope.resource,
    senderId: r.senderId,
    aboutPersonId: r.aboutPersonId,
    passed: r.passedAt !== null,
    aboveGrant,
  });

/** One row as this person may see it: the sender only to the 支委, times never to the person concerned. */
function view(r: Row, access: OpinionAccess, concerned: boolean): OpinionView {
  const committee = access === "senders" || access === "manage";
  return {
    id: r.id,
    about: r.about,
    aboutPersonId: r.aboutPersonId,
    aboutName: r.aboutName,
    text: r.text,
    fromMasses: r.fromMasses,
    ...(committee ? { senderName: r.senderName } : {}),
    createdAt: concerned ? null : r.createdAt,
    sorted: r.problemId !== null,
    problemId: committee ? r.problemId : null,
    passedAt: r.passedAt,
    itemId: committee ? r.itemId : null,
    access,
  };
}

/** The people an opinion may be about: live members of the meeting's organisation (and, for a branch, its groups). */
async function orgPeople(sql: Sql, orgId: string) {
  return sql<{ id: string; name: string }[]>`
    select distinct u.id, u.display_name as name
    from memberships ms join users u on u.id = ms.user_id
    where ms.ended_at is null
      and ms.org_id in (select id from organizations where id = ${orgId} or (parent_id = ${orgId} and kind = 'group'))
    order by u.display_name, u.id`;
}

export interface OpinionsPage {
  meeting: { id: string; title: string; kind: string; startsAt: Date; endsAt: Date; orgId: string; orgName: string };
  access: OpinionsPageAccess;
  /** Opinions are taken now (the preparation stage). */
  open: boolean;
  maySend: boolean;
  /** May type in opinions from the masses, sort and pass on. */
  mayHandle: boolean;
  /** The 问题清单 exists only for a 党支部. */
  mayList: boolean;
  /** What this person sent. */
  mine: OpinionView[];
  /** Opinions about this person that were passed to them (no sender, no time sent). */
  toMe: OpinionView[];
  /** The 支委's view (with senders) or the level above's with a grant (without); null for others. */
  all: OpinionView[] | null;
  counts: { received: number; sorted: number; passed: number };
  /** Whom an opinion may be about (not oneself). */
  people: { id: string; name: string }[];
}

/** The 征求意见 page of a meeting, as this person may see it; reading senders or reading from above is audited. */
export async function opinionsPage(sql: Sql, actor: Actor, meetingId: string, now = new Date()): Promise<OpinionsPage> {
  const subject = actor.subject;
  const { scope, aboveGrant, page } = await preparedMeeting(sql, subject, meetingId);
  const rows = await opinionRows(sql, scope.row.id);
  const seen = rows.map((r) => ({ r, access: accessOf(subject, scope, r, aboveGrant) }));
  const open = opinionsOpen(scope.row, now);
  const mine = seen
    .filter(({ r }) => r.senderId === subject.userId)
    .map(({ r, access }) => view(r, access === "none" ? "read" : access, false));
  const toMe = seen
    .filter(({ r, access }) => r.aboutPersonId === subject.userId && access !== "none" && r.passedAt !== null)
    .map(({ r }) => view(r, "read", true))
    .sort((a, b) => +new Date(a.passedAt ?? 0) - +new Date(b.passedAt ?? 0));
  let all: OpinionView[] | null = null;
  if (page === "manage" || page === "committee") {
    all = seen
      .filter(({ access }) => access === "senders" || access === "manage")
      .map(({ r, access }) => view(r, access, false));
    await audit(sql, {
      actorId: actor.userId,
      action: "opinion.view_senders",
      orgId: scope.org.id,
      detail: { meetingId: scope.row.id, opinions: all.length },
      address: actor.address,
    });
  } else if (page === "above") {
    all = seen.filter(({ access }) => access === "read").map(({ r }) => view(r, "read", false));
    await audit(sql, {
      actorId: actor.userId,
      action: "opinion.view_above",
      orgId: scope.org.id,
      detail: { meetingId: scope.row.id, opinions: all.length },
      address: actor.address,
    });
  }
  const maySend = maySendOpinion(subject, scope.resource, open);
  return {
    meeting: {
      id: scope.row.id,
      title: scope.row.title,
      kind: scope.row.kind,
      startsAt: scope.row.starts_at,
      endsAt: scope.row.ends_at,
      orgId: scope.org.id,
      orgName: scope.org.name,
    },
    access: page,
    open,
    maySend,
    mayHandle: page === "manage",
    mayList: page === "manage" && scope.org.kind === "branch",
    mine,
    toMe,
    all,
    counts: countsOf(rows),
    people: maySend ? (await orgPeople(sql, scope.org.id)).filter((p) => p.id !== subject.userId) : [],
  };
}

const countsOf = (rows: { problemId: string | null; passedAt: Date | null }[]) => ({
  received: rows.length,
  sorted: rows.filter((r) => r.problemId !== null).length,
  passed: rows.filter((r) => r.passedAt !== null).length,
});

export interface NewOpinion {
  about: OpinionAbout;
  aboutPersonId: string | null;
  text: string;
}

/**
 * Sends an opinion (a member, while the stage is open), or, with `fromMasses`, records one the
 * 书记 collected offline from the masses (no sender account; the entry is audited with the 书记 as
 * actor, which names nobody else).
 */
export async function sendOpinion(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  input: NewOpinion,
  opts: { fromMasses?: boolean; now?: Date } = {},
): Promise<string> {
  const subject = actor.subject;
  const { scope } = await preparedMeeting(sql, subject, meetingId, true);
  const open = opinionsOpen(scope.row, opts.now ?? new Date());
  const fromMasses = opts.fromMasses ?? false;
  if (fromMasses && !mayHandleOpinions(subject, scope.resource))
    throw new DomainError("只有本支部的书记、副书记或组织委员可以录入群众意见。", 403);
  if (!open) throw new DomainError("这次会议已经结束或取消，征求意见已截止，不能再提交意见。", 409, "text");
  if (!fromMasses && !maySendOpinion(subject, scope.resource, open))
    throw new DomainError("只有本支部党员可以提出意见。", 403);
  const text = input.text.trim();
  if (!text) throw new DomainError("请填写意见内容", 400, "text");
  if (text.length > OPINION_MAX) throw new DomainError(`意见最长 ${OPINION_MAX} 字`, 400, "text");
  const aboutPersonId = input.about === "person" ? input.aboutPersonId : null;
  if (input.about === "person") {
    if (!aboutPersonId) throw new DomainError("请选择意见针对的党员", 400, "aboutPersonId");
    if (!fromMasses && aboutPersonId === subject.userId)
      throw new DomainError("对自己的意见请写在对照检查材料里，这里只能对其他党员提意见。", 400, "aboutPersonId");
    const people = await orgPeople(sql, scope.org.id);
    if (!people.some((p) => p.id === aboutPersonId))
      throw new DomainError("所选党员不在本支部，请从名单中选择。", 400, "aboutPersonId");
  }
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [row] = await t<{ id: string }[]>`
      insert into life_opinions (meeting_id, about, about_person_id, sender_id, from_masses, entered_by, text)
      values (${scope.row.id}, ${input.about}, ${aboutPersonId}, ${fromMasses ? null : actor.userId}, ${fromMasses},
        ${fromMasses ? actor.userId : null}, ${text})
      returning id`;
    if (fromMasses)
      await audit(t, {
        actorId: actor.userId,
        action: "opinion.enter",
        orgId: scope.org.id,
        detail: { meetingId: scope.row.id, opinionId: row.id },
        address: actor.address,
      });
    return row.id;
  })) as string;
}

/** The opinion locked for a change by a manager of its meeting's organisation; 404 when hidden, 403 when only readable. */
async function lockForHandling(t: Sql, subject: Subject, opinionId: string) {
  if (!UUID_RE.test(opinionId)) throw hidden();
  const [o] = await t<{ meetingId: string }[]>`
    select meeting_id as "meetingId" from life_opinions where id = ${opinionId} for update`;
  if (!o) throw hidden();
  const { scope, aboveGrant } = await preparedMeeting(t, subject, o.meetingId, true);
  const [row] = await opinionRows(t, o.meetingId, opinionId);
  const access = accessOf(subject, scope, row, aboveGrant);
  if (access === "none") throw hidden();
  if (access !== "manage") throw new DomainError("只有本支部的书记、副书记或组织委员可以处理意见。", 403);
  return { scope, row };
}

/** 归入问题清单: a 问题清单 item of the branch from the opinion (the 书记's wording; no sender). */
export async function sortOpinion(sql: Sql, actor: Actor, opinionId: string, problemText: string): Promise<string> {
  const text = problemText.trim();
  if (!text) throw new DomainError("请填写问题", 400, "text");
  if (text.length > OPINION_MAX) throw new DomainError(`问题最长 ${OPINION_MAX} 字`, 400, "text");
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { scope, row } = await lockForHandling(t, actor.subject, opinionId);
    if (scope.org.kind !== "branch") throw new DomainError("问题清单属于党支部，这次会议不是党支部的会议。", 409);
    if (row.problemId) throw new DomainError("这条意见已经归入问题清单。", 409);
    const [p] = await t<{ id: string }[]>`
      insert into problem_items (org_id, meeting_id, person_id, source_kind, source_id, text, created_by)
      values (${scope.org.id}, ${scope.row.id}, ${row.aboutPersonId}, 'opinion', ${row.id}, ${text}, ${actor.userId})
      returning id`;
    await t`update life_opinions set problem_id = ${p.id}, sorted_at = now() where id = ${row.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "opinion.sort",
      orgId: scope.org.id,
      detail: { meetingId: scope.row.id, opinionId: row.id, problemId: p.id },
      address: actor.address,
    });
    return p.id;
  })) as string;
}

/** 转给本人: the person the opinion is about sees its text (never its sender) and is told. */
export async function passOpinion(sql: Sql, actor: Actor, opinionId: string): Promise<void> {
  const done = (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { scope, row } = await lockForHandling(t, actor.subject, opinionId);
    if (!row.aboutPersonId) throw new DomainError("这条意见不是针对党员个人的，无需转给本人。", 409);
    if (row.passedAt) throw new DomainError("这条意见已经转给本人。", 409);
    await t`update life_opinions set passed_at = now(), passed_by = ${actor.userId} where id = ${row.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "opinion.pass",
      orgId: scope.org.id,
      subjectUserId: row.aboutPersonId,
      detail: { meetingId: scope.row.id, opinionId: row.id },
      address: actor.address,
    });
    return { meetingId: scope.row.id, title: scope.row.title, to: row.aboutPersonId };
  })) as { meetingId: string; title: string; to: string };
  await notify(sql, [done.to], {
    kind: "opinion.passed",
    title: `${done.title}：支部转给你一条征求到的意见`,
    link: `/meetings/${done.meetingId}/opinions#passed`,
  });
}

/**
 * The 整改清单 form filled from an opinion (「生成整改事项」): its text, the member it is about as
 * owner, its meeting. Null when it is not an opinion of this branch's meeting this person handles.
 */
export async function opinionDraft(
  sql: Sql,
  subject: Subject,
  orgId: string,
  opinionId: string,
): Promise<{ problem: string; ownerId: string | null; meetingId: string } | null> {
  if (!UUID_RE.test(opinionId)) return null;
  const [o] = await sql<{ meetingId: string; orgId: string }[]>`
    select o.meeting_id as "meetingId", m.org_id as "orgId"
    from life_opinions o join meetings m on m.id = o.meeting_id where o.id = ${opinionId}`;
  if (!o || o.orgId !== orgId) return null;
  const record = await meetingRecord(sql, o.meetingId);
  if (!record || !mayHandleOpinions(subject, record.resource)) return null;
  const [row] = await opinionRows(sql, o.meetingId, opinionId);
  const access = opinionAccess(subject, {
    meeting: record.resource,
    senderId: row.senderId,
    aboutPersonId: row.aboutPersonId,
    passed: row.passedAt !== null,
    aboveGrant: false,
  });
  if (access !== "manage" || row.itemId) return null;
  return { problem: row.text, ownerId: row.aboutPersonId, meetingId: o.meetingId };
}

/** Whether an opinion belongs to a meeting of this branch (for 整改清单 items made from it). */
export async function opinionInBranch(sql: Sql, orgId: string, opinionId: string): Promise<boolean> {
  if (!UUID_RE.test(opinionId)) return false;
  const [o] = await sql`
    select 1 from life_opinions o join meetings m on m.id = o.meeting_id
    where o.id = ${opinionId} and m.org_id = ${orgId}`;
  return !!o;
}

/**
 * The 征求意见 stage of the cycle: how many opinions came in, were sorted and passed on; what is
 * missing. Counts only: nothing per sender (senders are the 支委's to know).
 */
export async function opinionsStage(sql: Sql, scope: MeetingScope): Promise<LifeStage> {
  const [c] = await sql<{ received: number; sorted: number; passed: number }[]>`
    select count(*)::int as received, count(problem_id)::int as sorted, count(passed_at)::int as passed
    from life_opinions where meeting_id = ${scope.row.id}`;
  const open = opinionsOpen(scope.row);
  const done: string[] = [];
  const missing: string[] = [];
  if (c.received > 0) done.push(`收到意见 ${c.received} 条`);
  if (c.sorted > 0) done.push(`已归入问题清单 ${c.sorted} 条`);
  if (c.passed > 0) done.push(`已转给本人 ${c.passed} 条`);
  if (c.received === 0) missing.push(open ? "还没有收到意见" : "没有收到意见");
  else if (c.sorted === 0) missing.push("还没有意见归入问题清单");
  else if (c.sorted < c.received) missing.push(`${c.received - c.sorted} 条意见未归入问题清单`);
  const state = c.received === 0 ? "todo" : c.sorted >= c.received && !open ? "done" : "doing";
  const aboveGrant = await aboveGrantActive(sql, scope.subject.userId, scope.row.id);
  const mayOpen = opinionsPageAccess(scope.subject, scope.resource, aboveGrant) !== "none";
  return {
    key: "opinions",
    state,
    done,
    missing,
    missingPeople: [],
    href: mayOpen ? `/meetings/${scope.row.id}/opinions` : null,
  };
}

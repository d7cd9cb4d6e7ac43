import type { Sql } from "../../../db/client";
import { COMMITTEE_ROLES, MEETING_KIND_LABEL, type Category } from "../../../shared/domain/labels";
import { hasLifeCycle } from "../../../shared/domain/life-cycle";
import type { LifeStage } from "../../../shared/domain/life-stages";
import { dateInWords } from "../../../shared/time";
import {
  DEFAULT_TALK_RULES,
  groupLookers,
  orderedPair,
  pairStates,
  partnersOf,
  peopleMissing,
  requiredPairs,
  talkTotals,
  type PairReason,
  type PairState,
  type TalkGroup,
  type TalkInput,
  type TalkPerson,
  type TalkRules,
} from "../../../shared/domain/talk-pairs";
import {
  talkRecordAccess,
  talkRecordCreate,
  talkSettingsAccess,
  talksPageAccess,
  type Subject,
} from "../../../shared/permissions";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden, isUniqueViolation } from "../errors";
import { loadMeetingScope, type MeetingScope } from "../meeting-scope";
import { notify } from "../notifications";
import { aboveGrantActive } from "./above-access";

// 谈心谈话 before a 组织生活会 (docs/decisions/033-talks.md): records of talks between two people of
// the branch, the pairs the branch requires (shared/domain/talk-pairs.ts under the branch's rule
// set and its groups' 联系支委), the 支委's matrix of done / missing pairs, each member's own talks
// and partners, and the stage line of the cycle. A summary is read by the two participants, the
// 支委 and the level above with a grant (talkRecordAccess); a 支委's read of others' summaries is
// audited, once per page view.

const PARTY: readonly Category[] = ["full", "probationary"];

interface RollRow {
  userId: string;
  name: string;
  category: Category;
  secretary: boolean;
  committee: boolean;
  groupIds: string[];
}

/** The people of the meeting's organisation and its 党小组 (live memberships): 书记, 委员, members, each by name. */
async function talkRoll(sql: Sql, orgId: string): Promise<TalkPerson[]> {
  const rows = await sql<RollRow[]>`
    select u.id as "userId", u.display_name as name, u.category,
      bool_or(ms.org_id = ${orgId} and ms.role = 'secretary') as secretary,
      bool_or(ms.org_id = ${orgId} and ms.role = any(${COMMITTEE_ROLES as string[]})) as committee,
      coalesce(array_agg(ms.org_id::text) filter (where ms.org_id <> ${orgId}), '{}') as "groupIds"
    from memberships ms join users u on u.id = ms.user_id
    where ms.ended_at is null
      and ms.org_id in (select id from organizations where id = ${orgId} or (parent_id = ${orgId} and kind = 'group'))
    group by u.id
    -- the order the domain names them in: the 书记, the 委员, then the members
    order by secretary desc, committee desc, u.display_name, u.id`;
  return rows.map((r) => ({
    userId: r.userId,
    name: r.name,
    secretary: r.secretary,
    committee: r.committee,
    partyMember: PARTY.includes(r.category),
    groupIds: r.groupIds,
  }));
}

async function talkGroups(sql: Sql, orgId: string): Promise<TalkGroup[]> {
  return sql<TalkGroup[]>`
    select o.id, o.name,
      coalesce(array_agg(l.user_id::text) filter (where l.user_id is not null), '{}') as "liaisonIds"
    from organizations o left join group_liaisons l on l.group_id = o.id
    where o.parent_id = ${orgId} and o.kind = 'group'
    group by o.id order by o.name, o.id`;
}

/** The organisation's rule set (no row: the defaults). */
export async function talkRules(sql: Sql, orgId: string): Promise<TalkRules> {
  const [r] = await sql<TalkRules[]>`
    select secretary_all as "secretaryAll", committee_pairwise as "committeePairwise", liaison_groups as "liaisonGroups"
    from talk_settings where org_id = ${orgId}`;
  return r ? { ...r } : { ...DEFAULT_TALK_RULES };
}

interface TalkRow {
  id: string;
  a: string;
  b: string;
  talkedOn: string;
  place: string | null;
  online: boolean;
  summary: string;
  recordedBy: string;
  createdAt: Date;
}

interface Cycle {
  roll: TalkPerson[];
  groups: TalkGroup[];
  rules: TalkRules;
  talks: TalkRow[];
  states: PairState[];
}

async function loadCycle(sql: Sql, meetingId: string, orgId: string): Promise<Cycle> {
  const [roll, groups, rules, talks] = await Promise.all([
    talkRoll(sql, orgId),
    talkGroups(sql, orgId),
    talkRules(sql, orgId),
    sql<TalkRow[]>`
      select id, person_a as a, person_b as b, to_char(talked_on, 'YYYY-MM-DD') as "talkedOn", place, online, summary,
        recorded_by as "recordedBy", created_at as "createdAt"
      from talks where meeting_id = ${meetingId} order by talked_on desc, created_at desc`,
  ]);
  return { roll, groups, rules, talks, states: pairStates(requiredPairs(roll, groups, rules), talks) };
}

/** The meeting, if it has a preparation cycle; a meeting of another kind has no talks (404). */
async function talkScope(sql: Sql, subject: Subject, meetingId: string): Promise<MeetingScope> {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  if (!hasLifeCycle(scope.row.kind))
    throw new DomainError(
      `谈心谈话是组织生活会的会前准备；本次会议是“${MEETING_KIND_LABEL[scope.row.kind]}”，没有谈心谈话。`,
      404,
    );
  return scope;
}

/** 404 unless the subject may open the meeting's talks page (talksPageAccess): the check before any input is read. */
export async function requireTalks(sql: Sql, subject: Subject, meetingId: string): Promise<void> {
  const scope = await talkScope(sql, subject, meetingId);
  if (talksPageAccess(subject, scope.resource) === "none") throw hidden();
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

export interface TalkView {
  id: string;
  a: { id: string; name: string };
  b: { id: string; name: string };
  talkedOn: string;
  place: string | null;
  online: boolean;
  summary: string;
  recordedBy: string;
  mine: boolean;
}

export interface MatrixPerson {
  id: string;
  name: string;
  role: "secretary" | "committee" | "member";
}

export interface TalksPage {
  meeting: { id: string; title: string; kind: string; orgName: string; startsAt: Date; endsAt: Date };
  view: "matrix" | "own";
  /** Talks whose record the viewer reads (their own; all of them for the 支委 and a granted reviewer). */
  talks: TalkView[];
  /** The viewer's own required partners, done or missing. */
  partners: { id: string; name: string; done: boolean }[];
  /** For the matrix view: the people in required pairs (roll order) and every required pair. */
  matrix: {
    people: MatrixPerson[];
    pairs: { a: string; b: string; done: boolean; reasons: PairReason[] }[];
    missingPeople: { id: string; name: string }[];
    totals: { required: number; done: number; missing: number };
    /** The viewer reads the summaries (the 支委, or above with a grant). */
    summaries: boolean;
  } | null;
  /** Record form: null when the viewer may not record (the level above). */
  form: {
    /** Whom the viewer may name as the first person: only themselves, or (managers) anyone on the roll. */
    people: { id: string; name: string }[];
    partners: { id: string; name: string }[];
    me: string;
  } | null;
  /** The rule set and groups, for managers (write) and the 支委 (read). */
  settings: {
    canManage: boolean;
    rules: TalkRules;
    groups: { id: string; name: string; liaisonId: string | null; lookers: { id: string; name: string }[] }[];
    committee: { id: string; name: string }[];
  } | null;
}

/** The talks page; 404 for whoever may not see the meeting's talks. Audits a 支委's read of others' summaries. */
export async function talksPage(sql: Sql, actor: Actor, meetingId: string): Promise<TalksPage> {
  const subject = actor.subject;
  const scope = await talkScope(sql, subject, meetingId);
  const view = talksPageAccess(subject, scope.resource);
  if (view === "none") throw hidden();
  const cycle = await loadCycle(sql, meetingId, scope.org.id);
  const names = new Map(cycle.roll.map((p) => [p.userId, p.name]));
  const missingNames = cycle.talks.flatMap((t) => [t.a, t.b]).filter((id) => !names.has(id));
  if (missingNames.length > 0)
    for (const u of await sql<{ id: string; name: string }[]>`
      select id, display_name as name from users where id = any(${[...new Set(missingNames)]}::uuid[])`)
      names.set(u.id, u.name);
  const nameOf = (id: string) => names.get(id) ?? "（已离开）";
  const onCommittee = cycle.roll.some((p) => p.userId === subject.userId && p.committee);
  const aboveGrant = view === "matrix" && !onCommittee ? await aboveGrantActive(sql, subject.userId, meetingId) : false;
  const readable = cycle.talks.filter(
    (t) => talkRecordAccess(subject, { meeting: scope.resource, participants: [t.a, t.b], aboveGrant }) === "read",
  );
  const othersRead = readable.filter((t) => t.a !== subject.userId && t.b !== subject.userId);
  const me = subject.userId;
  const talks: TalkView[] = readable.map((t) => ({
    id: t.id,
    a: { id: t.a, name: nameOf(t.a) },
    b: { id: t.b, name: nameOf(t.b) },
    talkedOn: t.talkedOn,
    place: t.place,
    online: t.online,
    summary: t.summary,
    recordedBy: nameOf(t.recordedBy),
    mine: t.a === me || t.b === me,
  }));

  let matrix: TalksPage["matrix"] = null;
  if (view === "matrix") {
    const inPairs = new Set(cycle.states.flatMap((s) => [s.a, s.b]));
    matrix = {
      people: cycle.roll
        .filter((p) => inPairs.has(p.userId))
        .map((p) => ({
          id: p.userId,
          name: p.name,
          role: p.secretary ? "secretary" : p.committee ? "committee" : "member",
        })),
      pairs: cycle.states.map((s) => ({ a: s.a, b: s.b, done: s.done, reasons: s.reasons })),
      missingPeople: peopleMissing(cycle.states, cycle.roll).map((p) => ({ id: p.userId, name: p.name })),
      totals: talkTotals(cycle.states),
      summaries: onCommittee || aboveGrant,
    };
  }

  const canRecord = scope.access === "write" && cycle.roll.some((p) => p.userId === me);
  const managesAll = talkRecordCreate(subject, scope.resource, ["", ""]);
  const rollPeople = cycle.roll.map((p) => ({ id: p.userId, name: p.name }));
  const settingsAccess = talkSettingsAccess(subject, scope.resource);
  const committee = cycle.roll.filter((p) => p.committee);

  const page: TalksPage = {
    meeting: {
      id: scope.row.id,
      title: scope.row.title,
      kind: scope.row.kind,
      orgName: scope.org.name,
      startsAt: scope.row.starts_at,
      endsAt: scope.row.ends_at,
    },
    view,
    talks,
    partners: partnersOf(me, cycle.states).map((p) => ({ id: p.userId, name: nameOf(p.userId), done: p.done })),
    matrix,
    form: canRecord
      ? {
          people: managesAll ? rollPeople : rollPeople.filter((p) => p.id === me),
          partners: rollPeople,
          me,
        }
      : null,
    settings:
      settingsAccess === "none"
        ? null
        : {
            canManage: settingsAccess === "manage",
            rules: cycle.rules,
            groups: cycle.groups.map((g) => ({
              id: g.id,
              name: g.name,
              liaisonId: g.liaisonIds.find((id) => committee.some((c) => c.userId === id)) ?? null,
              lookers: groupLookers(g, cycle.roll).map((id) => ({ id, name: nameOf(id) })),
            })),
            committee: committee.map((p) => ({ id: p.userId, name: p.name })),
          },
  };

  if (othersRead.length > 0)
    await audit(sql, {
      actorId: actor.userId,
      action: "talk.read",
      orgId: scope.org.id,
      detail: { meeting: meetingId, title: scope.row.title, talks: othersRead.length },
      address: actor.address,
    });
  return page;
}

// ---------------------------------------------------------------------------------------------
// Recording a talk
// ---------------------------------------------------------------------------------------------

/**
 * Records one talk. Both people must be on the organisation's roll (a person outside it: 400),
 * the recorder one of them or a manager (403), the same pair on the same day once (409). The
 * input is already well-formed (talkInputSchema at the edge).
 */
export async function recordTalk(sql: Sql, actor: Actor, meetingId: string, input: TalkInput): Promise<{ id: string }> {
  const subject = actor.subject;
  const scope = await talkScope(sql, subject, meetingId);
  if (talksPageAccess(subject, scope.resource) === "none") throw hidden();
  if (scope.row.status === "cancelled") throw new DomainError("这次组织生活会已取消，不能再记录谈心谈话。", 409);
  if (input.personId === input.partnerId)
    throw new DomainError("谈心谈话是两个人之间的谈话：不能和自己谈话", 400, "partnerId");
  if (!talkRecordCreate(subject, scope.resource, [input.personId, input.partnerId]))
    throw new DomainError("只能记录自己参加的谈话；替他人记录需要书记、副书记或组织委员。", 403);
  const roll = await talkRoll(sql, scope.org.id);
  const onRoll = (id: string) => roll.some((p) => p.userId === id);
  if (!onRoll(input.personId))
    throw new DomainError(`谈话双方都应是${scope.org.name}的党员：所选的一方不在本支部名单上。`, 400, "personId");
  if (!onRoll(input.partnerId))
    throw new DomainError(`谈话对象应是${scope.org.name}的党员：所选的人不在本支部名单上。`, 400, "partnerId");
  const { a, b } = orderedPair(input.personId, input.partnerId);
  try {
    const [row] = await sql<{ id: string }[]>`
      insert into talks (meeting_id, person_a, person_b, talked_on, place, online, summary, recorded_by)
      values (${meetingId}, ${a}, ${b}, ${input.talkedOn}, ${input.place === "" ? null : input.place},
        ${input.online}, ${input.summary}, ${actor.userId})
      returning id`;
    // The other side (both, when a manager recorded it) is told where to read it; the summary
    // itself stays on the page, behind talkRecordAccess.
    const recorder = roll.find((p) => p.userId === actor.userId)?.name ?? "支委";
    await notify(
      sql,
      [a, b].filter((id) => id !== actor.userId),
      {
        kind: "talk.recorded",
        title: `${recorder}记录了与你的谈心谈话（${dateInWords(input.talkedOn)}）`,
        link: `/meetings/${meetingId}/talks`,
      },
    );
    await audit(sql, {
      actorId: actor.userId,
      action: "talk.record",
      orgId: scope.org.id,
      detail: { meeting: meetingId, title: scope.row.title, talkedOn: input.talkedOn },
      address: actor.address,
    });
    return row;
  } catch (e) {
    if (isUniqueViolation(e, "talks_pair_day_unique")) {
      const other = roll.find((p) => p.userId === (input.personId === actor.userId ? input.partnerId : input.personId));
      throw new DomainError(
        `这两人 ${input.talkedOn} 的谈话已经记录过了${other ? `（${other.name}）` : ""}：同一天的同一对谈话只记一次。`,
        409,
      );
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The branch's rule set and its groups' 联系支委
// ---------------------------------------------------------------------------------------------

/**
 * Saves the rule set and, per 党小组, its 联系支委 (one 委员, or "" for the default: the 委员 who are
 * members of the group). Managers of the organisation only (403 for the rest of the 支委).
 */
export async function saveTalkSettings(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  rules: TalkRules,
  liaisons: Record<string, string>,
): Promise<void> {
  const subject = actor.subject;
  const scope = await talkScope(sql, subject, meetingId);
  const access = talkSettingsAccess(subject, scope.resource);
  if (access === "none") throw hidden();
  if (access !== "manage") throw new DomainError("只有书记、副书记或组织委员可以修改谈心谈话的要求。", 403);
  const orgId = scope.org.id;
  const [roll, groups] = await Promise.all([talkRoll(sql, orgId), talkGroups(sql, orgId)]);
  const committee = new Set(roll.filter((p) => p.committee).map((p) => p.userId));
  for (const [groupId, userId] of Object.entries(liaisons)) {
    if (!groups.some((g) => g.id === groupId))
      throw new DomainError("所选的党小组不属于本支部，请刷新页面后重试。", 400);
    if (userId !== "" && !committee.has(userId))
      throw new DomainError("联系支委应是本支部的支委委员，请从名单中选择。", 400, `liaison.${groupId}`);
  }
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`
      insert into talk_settings (org_id, secretary_all, committee_pairwise, liaison_groups, updated_by, updated_at)
      values (${orgId}, ${rules.secretaryAll}, ${rules.committeePairwise}, ${rules.liaisonGroups}, ${actor.userId}, now())
      on conflict (org_id) do update set secretary_all = excluded.secretary_all,
        committee_pairwise = excluded.committee_pairwise, liaison_groups = excluded.liaison_groups,
        updated_by = excluded.updated_by, updated_at = now()`;
    for (const [groupId, userId] of Object.entries(liaisons)) {
      await t`delete from group_liaisons where group_id = ${groupId}`;
      if (userId !== "")
        await t`insert into group_liaisons (group_id, user_id, created_by) values (${groupId}, ${userId}, ${actor.userId})`;
    }
    await audit(t, {
      actorId: actor.userId,
      action: "talk.settings",
      orgId,
      detail: { meeting: meetingId, title: scope.row.title },
      address: actor.address,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The stage of the cycle
// ---------------------------------------------------------------------------------------------

/** The 谈心谈话 stage of the meeting's cycle: pairs recorded, pairs missing, who has a missing pair. */
export async function talksStage(sql: Sql, scope: MeetingScope): Promise<LifeStage> {
  const cycle = await loadCycle(sql, scope.row.id, scope.org.id);
  const totals = talkTotals(cycle.states);
  const extra = cycle.talks.length;
  const done: string[] = [];
  if (totals.done > 0) done.push(`已完成 ${totals.done} 对要求的谈话`);
  if (extra > 0) done.push(`共记录谈话 ${extra} 次`);
  const missing = totals.missing > 0 ? [`${totals.missing} 对谈话未记录`] : [];
  return {
    key: "talks",
    state: totals.required > 0 && totals.missing === 0 ? "done" : extra > 0 ? "doing" : "todo",
    done,
    missing,
    missingPeople: peopleMissing(cycle.states, cycle.roll).map((p) => ({ id: p.userId, name: p.name })),
    href: `/meetings/${scope.row.id}/talks`,
  };
}

import type { Sql } from "../../../db/client";
import {
  mayConfirmRectification,
  mayCreateRectification,
  problemListAccess,
  rectificationAccess,
  rectificationListAccess,
  RECTIFICATION_CONFIRMERS,
  type Access,
  type OrgResource,
  type RectificationScope,
  type Subject,
} from "../../../shared/permissions";
import { REMIND_DAYS, type RectificationStatus } from "../../../shared/schemas/rectification";
import { chinaDateKey, dateInWords } from "../../../shared/time";
import { UUID_RE } from "../../../shared/ids";
import type { Role } from "../../../shared/domain/labels";
import type { Actor, LiveAccess } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden, isUniqueViolation } from "../errors";
import { notify } from "../notifications";
import { findOrg, type Org } from "../people/orgs";
import { opinionDraft, opinionInBranch } from "./opinions";
import { criticismDraft, findCriticism } from "./criticism-rectification";

// A branch's 整改清单 (domain.md, 组织生活会 "After"; docs/decisions/031). Items belong to the 党支部
// and, optionally, to the 组织生活会 they came from. open → reported (the owner's note) → closed
// (the 书记's 对单销号), or returned by the 书记 and reported again. Who may do what is
// shared/permissions (rectificationAccess and its neighbours); each change checks it again inside
// its transaction, with the item's row locked, so two clicks or two people cannot both pass.

export interface RectificationSettings {
  scope: RectificationScope;
  remindDays: number;
}

export const DEFAULT_RECTIFICATION_SETTINGS: RectificationSettings = {
  scope: "branch",
  remindDays: REMIND_DAYS.default,
};

export interface RectificationItem {
  id: string;
  orgId: string;
  meetingId: string | null;
  meetingTitle: string | null;
  sourceKind: "manual" | "problem" | "criticism" | "opinion";
  problem: string;
  measures: string;
  ownerId: string | null;
  /** The owner's name, or null when the branch owns the item. */
  ownerName: string | null;
  /** "2027-03-31", China time. */
  deadline: string;
  commitment: string;
  status: RectificationStatus;
  reportNote: string | null;
  reportedAt: Date | null;
  returnNote: string | null;
  closedAt: Date | null;
  closedByName: string | null;
  createdAt: Date;
  /** Not closed and its deadline has passed. */
  overdue: boolean;
}

interface ItemRow extends Omit<RectificationItem, "overdue"> {
  orgPath?: string[];
}

const ITEM_COLUMNS = (sql: Sql) => sql`
  r.id, r.org_id as "orgId", r.meeting_id as "meetingId", m.title as "meetingTitle", r.source_kind as "sourceKind",
  r.problem, r.measures, r.owner_id as "ownerId", ou.display_name as "ownerName",
  to_char(r.deadline, 'YYYY-MM-DD') as deadline, r.commitment, r.status, r.report_note as "reportNote",
  r.reported_at as "reportedAt", r.return_note as "returnNote", r.closed_at as "closedAt",
  cu.display_name as "closedByName", r.created_at as "createdAt"`;

const ITEM_JOINS = (sql: Sql) => sql`
  left join meetings m on m.id = r.meeting_id
  left join users ou on ou.id = r.owner_id
  left join users cu on cu.id = r.closed_by`;

const today = (now: Date) => chinaDateKey(now);
const withOverdue = (r: ItemRow, now: Date): RectificationItem =>
  ({
    ...r,
    orgPath: undefined,
    overdue: r.status !== "closed" && r.deadline < today(now),
  }) as RectificationItem;

export async function rectificationSettings(sql: Sql, orgId: string): Promise<RectificationSettings> {
  const [row] = await sql<RectificationSettings[]>`
    select scope, remind_days as "remindDays" from rectification_settings where org_id = ${orgId}`;
  return row ?? DEFAULT_RECTIFICATION_SETTINGS;
}

/** The 党支部 for a 整改清单: hidden (404) when it is not one, or the subject may not see its list. */
async function branchFor(sql: Sql, subject: Subject, orgId: string): Promise<{ org: Org; access: Access }> {
  const org = await findOrg(sql, orgId);
  if (!org || org.kind !== "branch") throw hidden();
  const access = rectificationListAccess(subject, org.resource);
  if (access === "none") throw hidden();
  return { org, access };
}

/** The branch's list for an action: 404 before anything is read from the form when it is hidden. */
export async function requireRectificationList(sql: Sql, subject: Subject, orgId: string): Promise<Access> {
  return (await branchFor(sql, subject, orgId)).access;
}

/** People who may own an item: the live members of the branch and its 党小组, by name. */
async function branchPeople(sql: Sql, orgId: string) {
  return sql<{ id: string; name: string }[]>`
    select distinct u.id, u.display_name as name
    from memberships ms join users u on u.id = ms.user_id
    where ms.ended_at is null
      and ms.org_id in (select id from organizations where id = ${orgId} or parent_id = ${orgId})
    order by u.display_name, u.id`;
}

export interface ProblemItem {
  id: string;
  text: string;
  personId: string | null;
  personName: string | null;
  meetingId: string | null;
  meetingTitle: string | null;
  sourceKind: "manual" | "criticism" | "opinion";
  createdAt: Date;
  /** The 整改清单 item made from it, if one was. */
  itemId: string | null;
}

export interface RectificationPage {
  org: { id: string; name: string; resource: OrgResource };
  settings: RectificationSettings;
  /** The items this person may read: unfinished ones first by deadline, then closed ones. */
  items: (RectificationItem & { access: Access })[];
  counts: { open: number; reported: number; overdue: number; closed: number };
  mayCreate: boolean;
  mayConfirm: boolean;
  /** The 问题清单, for the 支委 only (else null). */
  problems: ProblemItem[] | null;
  /** For the forms of those who create: possible owners and the branch's recent 组织生活会 and 民主评议. */
  people: { id: string; name: string }[];
  meetings: { id: string; title: string; startsAt: Date }[];
}

/** The 整改清单 page of a branch, as this person may see it (404 for another branch). */
export async function rectificationPage(
  sql: Sql,
  subject: Subject,
  orgId: string,
  now = new Date(),
): Promise<RectificationPage> {
  const { org } = await branchFor(sql, subject, orgId);
  const settings = await rectificationSettings(sql, org.id);
  const rows = await sql<ItemRow[]>`
    select ${ITEM_COLUMNS(sql)} from rectification_items r ${ITEM_JOINS(sql)}
    where r.org_id = ${org.id}
    order by (r.status = 'closed'), case when r.status = 'closed' then null else r.deadline end,
      r.closed_at desc nulls last, r.created_at
    limit 1000`;
  const items = rows
    .map((r) => ({
      ...withOverdue(r, now),
      access: rectificationAccess(subject, { org: org.resource, ownerId: r.ownerId, scope: settings.scope }),
    }))
    .filter((i) => i.access !== "none");
  const mayCreate = mayCreateRectification(subject, org.resource);
  const problems = problemListAccess(subject, org.resource) === "none" ? null : await listProblems(sql, org.id);
  return {
    org: { id: org.id, name: org.name, resource: org.resource },
    settings,
    items,
    counts: {
      open: items.filter((i) => i.status !== "closed").length,
      reported: items.filter((i) => i.status === "reported").length,
      overdue: items.filter((i) => i.overdue).length,
      closed: items.filter((i) => i.status === "closed").length,
    },
    mayCreate,
    mayConfirm: mayConfirmRectification(subject, org.resource),
    problems,
    people: mayCreate ? await branchPeople(sql, org.id) : [],
    meetings: mayCreate
      ? await sql<{ id: string; title: string; startsAt: Date }[]>`
          select id, title, starts_at as "startsAt" from meetings
          where org_id = ${org.id} and kind in ('life_meeting', 'member_review') and status <> 'cancelled'
          order by starts_at desc limit 20`
      : [],
  };
}

export async function listProblems(sql: Sql, orgId: string): Promise<ProblemItem[]> {
  return sql<ProblemItem[]>`
    select p.id, p.text, p.person_id as "personId", u.display_name as "personName", p.meeting_id as "meetingId",
      m.title as "meetingTitle", p.source_kind as "sourceKind", p.created_at as "createdAt", r.id as "itemId"
    from problem_items p
    left join users u on u.id = p.person_id
    left join meetings m on m.id = p.meeting_id
    left join rectification_items r on r.source_kind = 'problem' and r.source_id = p.id
    where p.org_id = ${orgId}
    order by p.created_at desc limit 500`;
}

/** A meeting of the branch (or one of its groups), or a 400 on the field. */
async function requireBranchMeeting(sql: Sql, orgId: string, meetingId: string | null, field = "meetingId") {
  if (!meetingId) return;
  const [m] = await sql`
    select 1 from meetings where id = ${meetingId}
      and org_id in (select id from organizations where id = ${orgId} or parent_id = ${orgId})`;
  if (!m) throw new DomainError("所选会议不是本支部的会议。", 400, field);
}

/** A live member of the branch (or one of its groups), or a 400 on the field. */
async function requireBranchPerson(sql: Sql, orgId: string, userId: string | null, field: string) {
  if (!userId) return;
  const [p] = await sql`
    select 1 from memberships where user_id = ${userId} and ended_at is null
      and org_id in (select id from organizations where id = ${orgId} or parent_id = ${orgId}) limit 1`;
  if (!p) throw new DomainError("所选党员不在本支部。", 400, field);
}

export interface NewProblem {
  text: string;
  personId: string | null;
  meetingId: string | null;
}

/** Adds a 问题清单 item by hand (today the 书记 does; criticisms and opinions will come with a source). */
export async function addProblem(sql: Sql, actor: Actor, orgId: string, p: NewProblem): Promise<string> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { org } = await branchFor(t, actor.subject, orgId);
    if (!mayCreateRectification(actor.subject, org.resource))
      throw new DomainError("只有本支部的书记、副书记或组织委员可以添加问题。", 403);
    const text = p.text.trim();
    if (!text) throw new DomainError("请填写问题", 400, "text");
    if (text.length > 500) throw new DomainError("问题最长 500 字", 400, "text");
    await requireBranchPerson(t, org.id, p.personId, "personId");
    await requireBranchMeeting(t, org.id, p.meetingId);
    const [row] = await t<{ id: string }[]>`
      insert into problem_items (org_id, meeting_id, person_id, text, created_by)
      values (${org.id}, ${p.meetingId}, ${p.personId}, ${text}, ${actor.userId}) returning id`;
    await audit(t, {
      actorId: actor.userId,
      action: "problem.create",
      orgId: org.id,
      subjectUserId: p.personId,
      detail: { problemId: row.id },
      address: actor.address,
    });
    return row.id;
  }) as Promise<string>;
}

export interface ItemDraft {
  problem: string;
  ownerId: string | null;
  meetingId: string | null;
  problemId: string | null;
  /** The 征求意见 opinion it is made from (docs/decisions/032). */
  opinionId?: string | null;
  /** The criticism it is made from: criticismRef(meeting, person, key) (docs/decisions/035). */
  criticism?: string | null;
}

/**
 * The 整改清单 form filled from a source (one click on a 问题清单 item): its text, the member it is
 * about as owner, its meeting. Null when there is no such source in this branch, or it already has
 * its item. A criticism is read from the live note (`live`), and that read is audited.
 */
export async function draftFromSource(
  sql: Sql,
  subject: Subject,
  orgId: string,
  source: { kind: "problem" | "opinion" | "criticism"; id: string },
  opts: { live?: Pick<LiveAccess, "readDocuments">; address?: string | null } = {},
): Promise<ItemDraft | null> {
  if (source.kind !== "criticism" && !UUID_RE.test(source.id)) return null;
  const { org } = await branchFor(sql, subject, orgId);
  if (!mayCreateRectification(subject, org.resource)) return null;
  if (source.kind === "criticism") {
    if (!opts.live) return null;
    const d = await criticismDraft(sql, opts.live, subject, org.id, source.id, opts.address ?? null);
    return d ? { ...d, problemId: null } : null;
  }
  if (source.kind === "opinion") {
    const d = await opinionDraft(sql, subject, org.id, source.id);
    return d ? { ...d, problemId: null, opinionId: source.id } : null;
  }
  const [p] = await sql<{ text: string; personId: string | null; meetingId: string | null; made: boolean }[]>`
    select p.text, p.person_id as "personId", p.meeting_id as "meetingId",
      exists (select 1 from rectification_items r where r.source_kind = 'problem' and r.source_id = p.id) as made
    from problem_items p where p.id = ${source.id} and p.org_id = ${org.id}`;
  if (!p || p.made) return null;
  return { problem: p.text, ownerId: p.personId, meetingId: p.meetingId, problemId: source.id };
}

export interface NewItem {
  problem: string;
  measures: string;
  ownerId: string | null;
  deadline: string;
  commitment: string;
  meetingId: string | null;
  problemId: string | null;
  /** The opinion it is made from (one item per opinion); not together with problemId. */
  opinionId?: string | null;
  /** The criticism it is made from (one item per criticism): criticismRef(meeting, person, key). */
  criticism?: string | null;
}

/**
 * Adds an item to the branch's 整改清单; the owner is told. An item made from a criticism needs
 * `live` to find the criticism in the person's note again.
 */
export async function createRectification(
  sql: Sql,
  actor: Actor,
  orgId: string,
  input: NewItem,
  now = new Date(),
  live?: Pick<LiveAccess, "readDocuments">,
): Promise<string> {
  if (input.deadline < today(now)) throw new DomainError("完成时限不能早于今天。", 400, "deadline");
  // A criticism is found in the person's note before the transaction: composing the note reads the
  // live rooms and the store on other connections (with embedded PGlite, the only one is ours).
  // The unique index on the source still makes two concurrent clicks yield one item.
  const criticismRef = input.problemId || input.opinionId ? null : (input.criticism ?? null);
  const criticism = criticismRef && live ? await findCriticism(sql, live, actor.subject, orgId, criticismRef) : null;
  try {
    const { id, orgName } = (await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      const { org } = await branchFor(t, actor.subject, orgId);
      if (!mayCreateRectification(actor.subject, org.resource))
        throw new DomainError("只有本支部的书记、副书记或组织委员可以添加整改事项。", 403);
      await requireBranchPerson(t, org.id, input.ownerId, "ownerId");
      await requireBranchMeeting(t, org.id, input.meetingId);
      if (input.problemId) {
        const [p] = await t`select 1 from problem_items where id = ${input.problemId} and org_id = ${org.id}`;
        if (!p) throw new DomainError("来源问题不在本支部的问题清单中。", 400, "problemId");
      }
      const opinionId = input.problemId ? null : (input.opinionId ?? null);
      if (opinionId && !(await opinionInBranch(t, org.id, opinionId)))
        throw new DomainError("来源意见不是本支部组织生活会的意见。", 400, "opinionId");
      if (criticismRef && !criticism)
        throw new DomainError("来源批评意见不在本支部组织生活会的批评记录中。", 400, "criticism");
      const criticismId = criticism?.sourceId ?? null;
      const [sourceKind, sourceId] = input.problemId
        ? ["problem", input.problemId]
        : opinionId
          ? ["opinion", opinionId]
          : criticismId
            ? ["criticism", criticismId]
            : ["manual", null];
      const [row] = await t<{ id: string }[]>`
        insert into rectification_items (org_id, meeting_id, source_kind, source_id, problem, measures, owner_id,
          deadline, commitment, created_by)
        values (${org.id}, ${input.meetingId}, ${sourceKind}, ${sourceId},
          ${input.problem}, ${input.measures}, ${input.ownerId}, ${input.deadline}::date, ${input.commitment},
          ${actor.userId})
        returning id`;
      await audit(t, {
        actorId: actor.userId,
        action: "rectification.create",
        orgId: org.id,
        subjectUserId: input.ownerId,
        detail: { itemId: row.id, deadline: input.deadline, problemId: input.problemId, opinionId, criticismId },
        address: actor.address,
      });
      return { id: row.id, orgName: org.name };
    })) as { id: string; orgName: string };
    if (input.ownerId && input.ownerId !== actor.userId)
      await notify(sql, [input.ownerId], {
        kind: "rectification.assigned",
        title: `${orgName}整改清单：请在${dateInWords(input.deadline)}前完成「${short(input.problem)}」的整改`,
        link: `/orgs/${orgId}/rectification#item-${id}`,
      });
    return id;
  } catch (e) {
    if (isUniqueViolation(e, "rectification_items_source_unique"))
      throw input.problemId
        ? new DomainError("这条问题已经生成了整改事项。", 409, "problemId")
        : input.opinionId
          ? new DomainError("这条意见已经生成了整改事项。", 409, "opinionId")
          : input.criticism
            ? new DomainError("这条批评意见已经生成了整改事项。", 409, "criticism")
            : new DomainError("这条问题已经生成了整改事项。", 409, "problemId");
    throw e;
  }
}

const short = (s: string) => (s.length > 20 ? `${s.slice(0, 20)}…` : s);

/** The item locked for a change, with what this person may do to it; hidden (404) if they may not read it. */
async function lockItem(t: Sql, subject: Subject, itemId: string) {
  if (!UUID_RE.test(itemId)) throw hidden();
  const [row] = await t<
    {
      id: string;
      orgId: string;
      orgName: string;
      ownerId: string | null;
      status: RectificationStatus;
      problem: string;
    }[]
  >`
    select r.id, r.org_id as "orgId", o.name as "orgName", r.owner_id as "ownerId", r.status, r.problem
    from rectification_items r join organizations o on o.id = r.org_id
    where r.id = ${itemId} for update of r`;
  if (!row) throw hidden();
  const org = await findOrg(t, row.orgId);
  if (!org) throw hidden();
  const settings = await rectificationSettings(t, org.id);
  const access = rectificationAccess(subject, { org: org.resource, ownerId: row.ownerId, scope: settings.scope });
  if (access === "none") throw hidden();
  return { row, org, access };
}

export interface ItemEdit {
  problem: string;
  measures: string;
  ownerId: string | null;
  deadline: string;
  commitment: string;
}

/**
 * Corrects an item not yet closed: problem, measures, owner, deadline, 整改承诺, by whoever may
 * add items (mayCreateRectification). A closed (销号) item stays as it was confirmed. A new
 * deadline may not be past (an overdue item keeps its own if it is not changed). Reminders need
 * nothing here: their dedupe key is per item, deadline and person (rectification-reminders.ts),
 * so a moved deadline is reminded of afresh, and a new owner is reminded as well as told now.
 */
export async function editRectification(
  sql: Sql,
  actor: Actor,
  orgId: string,
  itemId: string,
  input: ItemEdit,
  now = new Date(),
): Promise<void> {
  const done = (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row, org } = await lockItem(t, actor.subject, itemId);
    if (row.orgId !== orgId) throw hidden();
    if (!mayCreateRectification(actor.subject, org.resource))
      throw new DomainError("只有本支部的书记、副书记或组织委员可以修改整改事项。", 403);
    if (row.status === "closed") throw new DomainError("这项整改已经销号，不能再修改。", 409);
    const [before] = await t<ItemEdit[]>`
      select problem, measures, owner_id as "ownerId", to_char(deadline, 'YYYY-MM-DD') as deadline, commitment
      from rectification_items where id = ${row.id}`;
    if (input.deadline !== before.deadline && input.deadline < today(now))
      throw new DomainError("完成时限不能早于今天。", 400, "deadline");
    if (input.ownerId !== before.ownerId) await requireBranchPerson(t, org.id, input.ownerId, "ownerId");
    const changed = (Object.keys(input) as (keyof ItemEdit)[]).filter((k) => input[k] !== before[k]);
    if (changed.length === 0) return { ...row, changed, before };
    await t`
      update rectification_items set problem = ${input.problem}, measures = ${input.measures},
        owner_id = ${input.ownerId}, deadline = ${input.deadline}::date, commitment = ${input.commitment}
      where id = ${row.id}`;
    // Which fields changed and the dates, not the texts: the item itself shows those.
    await audit(t, {
      actorId: actor.userId,
      action: "rectification.edit",
      orgId: row.orgId,
      subjectUserId: input.ownerId,
      detail: {
        itemId: row.id,
        changed,
        ...(changed.includes("deadline") ? { deadline: input.deadline, was: before.deadline } : {}),
      },
      address: actor.address,
    });
    return { ...row, changed, before };
  })) as { id: string; orgName: string; changed: (keyof ItemEdit)[]; before: ItemEdit };
  if (input.ownerId && input.ownerId !== actor.userId && done.changed.includes("ownerId"))
    await notify(sql, [input.ownerId], {
      kind: "rectification.assigned",
      title: `${done.orgName}整改清单：请在${dateInWords(input.deadline)}前完成「${short(input.problem)}」的整改`,
      link: `/orgs/${orgId}/rectification#item-${done.id}`,
    });
}

/** Who confirms: the branch's 书记 and 副书记. */
async function confirmers(sql: Sql, orgId: string): Promise<string[]> {
  const rows = await sql<{ user_id: string }[]>`
    select distinct user_id from memberships
    where org_id = ${orgId} and ended_at is null and role = any(${RECTIFICATION_CONFIRMERS as Role[]}::text[])`;
  return rows.map((r) => r.user_id);
}

/** The owner (or, for an item the branch owns, its managers) reports it done, with a note of what was done. */
export async function reportRectification(sql: Sql, actor: Actor, itemId: string, note: string): Promise<void> {
  const text = note.trim();
  if (!text) throw new DomainError("请填写整改完成情况，说明做了什么。", 400, "note");
  if (text.length > 1000) throw new DomainError("整改完成情况最长 1000 字", 400, "note");
  const done = (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row, access } = await lockItem(t, actor.subject, itemId);
    if (access === "read") throw new DomainError("只有责任人可以报告整改完成情况。", 403);
    if (row.status === "closed") throw new DomainError("这项整改已经销号。", 409);
    if (row.status === "reported") throw new DomainError("已经报告过完成情况，正在等待书记确认。", 409);
    await t`
      update rectification_items set status = 'reported', report_note = ${text}, reported_at = now(),
        reported_by = ${actor.userId}
      where id = ${row.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "rectification.report",
      orgId: row.orgId,
      subjectUserId: row.ownerId,
      detail: { itemId: row.id },
      address: actor.address,
    });
    return row;
  })) as { orgId: string; orgName: string; problem: string; id: string };
  const to = (await confirmers(sql, done.orgId)).filter((u) => u !== actor.userId);
  await notify(sql, to, {
    kind: "rectification.reported",
    title: `整改事项待确认：「${short(done.problem)}」已报告完成`,
    link: `/orgs/${done.orgId}/rectification#item-${done.id}`,
  });
}

/** 对单销号: the 书记 confirms a reported item closed. An item without the owner's note cannot be closed. */
export async function confirmRectification(sql: Sql, actor: Actor, itemId: string): Promise<void> {
  const done = (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row, access } = await lockItem(t, actor.subject, itemId);
    if (access !== "manage") throw new DomainError("只有本支部书记可以确认销号。", 403);
    if (row.status === "closed") throw new DomainError("这项整改已经销号。", 409);
    if (row.status !== "reported")
      throw new DomainError("责任人还没有报告整改完成情况，不能销号。请先由责任人填写完成情况。", 409);
    await t`
      update rectification_items set status = 'closed', closed_at = now(), closed_by = ${actor.userId}
      where id = ${row.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "rectification.confirm",
      orgId: row.orgId,
      subjectUserId: row.ownerId,
      detail: { itemId: row.id },
      address: actor.address,
    });
    return row;
  })) as { id: string; orgId: string; ownerId: string | null; problem: string };
  if (done.ownerId && done.ownerId !== actor.userId)
    await notify(sql, [done.ownerId], {
      kind: "rectification.confirmed",
      title: `整改事项已销号：「${short(done.problem)}」`,
      link: `/orgs/${done.orgId}/rectification#item-${done.id}`,
    });
}

/** The 书记 returns a reported item with a note of what is still missing; the owner reports again. */
export async function returnRectification(sql: Sql, actor: Actor, itemId: string, note: string): Promise<void> {
  const text = note.trim();
  if (!text) throw new DomainError("请填写退回意见，说明还需整改的地方。", 400, "note");
  if (text.length > 500) throw new DomainError("退回意见最长 500 字", 400, "note");
  const done = (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row, access } = await lockItem(t, actor.subject, itemId);
    if (access !== "manage") throw new DomainError("只有本支部书记可以退回整改事项。", 403);
    if (row.status !== "reported") throw new DomainError("只有已报告完成、等待确认的事项可以退回。", 409);
    await t`
      update rectification_items set status = 'returned', return_note = ${text}, returned_at = now()
      where id = ${row.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "rectification.return",
      orgId: row.orgId,
      subjectUserId: row.ownerId,
      detail: { itemId: row.id, note: text },
      address: actor.address,
    });
    return row;
  })) as { id: string; orgId: string; ownerId: string | null; problem: string };
  if (done.ownerId && done.ownerId !== actor.userId)
    await notify(sql, [done.ownerId], {
      kind: "rectification.returned",
      title: `整改事项被退回：「${short(done.problem)}」，请继续整改后再报告`,
      link: `/orgs/${done.orgId}/rectification#item-${done.id}`,
    });
}

/** The branch's scope and reminder days; its 书记, 副书记 or 组织委员. */
export async function saveRectificationSettings(
  sql: Sql,
  actor: Actor,
  orgId: string,
  s: RectificationSettings,
): Promise<void> {
  if (!Number.isInteger(s.remindDays) || s.remindDays < REMIND_DAYS.min || s.remindDays > REMIND_DAYS.max)
    throw new DomainError(`提前提醒天数应在 ${REMIND_DAYS.min}–${REMIND_DAYS.max} 天之间`, 400, "remindDays");
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { org } = await branchFor(t, actor.subject, orgId);
    if (!mayCreateRectification(actor.subject, org.resource))
      throw new DomainError("只有本支部的书记、副书记或组织委员可以设置整改清单的公开范围。", 403);
    await t`
      insert into rectification_settings (org_id, scope, remind_days, updated_by, updated_at)
      values (${org.id}, ${s.scope}, ${s.remindDays}, ${actor.userId}, now())
      on conflict (org_id) do update set scope = excluded.scope, remind_days = excluded.remind_days,
        updated_by = excluded.updated_by, updated_at = now()`;
    await audit(t, {
      actorId: actor.userId,
      action: "rectification.settings",
      orgId: org.id,
      detail: { ...s },
      address: actor.address,
    });
  });
}

export interface LookBack {
  meeting: { id: string; title: string; startsAt: Date };
  items: RectificationItem[];
}

/**
 * 回头看: the items of the branch's previous 组织生活会 (the latest one before `before`, not
 * cancelled), each with its state, unfinished first. Null when there was none or it made no items.
 */
export async function openItemsForLookBack(sql: Sql, orgId: string, before = new Date()): Promise<LookBack | null> {
  const [meeting] = await sql<{ id: string; title: string; startsAt: Date }[]>`
    select id, title, starts_at as "startsAt" from meetings
    where org_id = ${orgId} and kind = 'life_meeting' and status <> 'cancelled' and starts_at < ${before}
      and exists (select 1 from rectification_items r where r.meeting_id = meetings.id)
    order by starts_at desc limit 1`;
  if (!meeting) return null;
  const rows = await sql<ItemRow[]>`
    select ${ITEM_COLUMNS(sql)} from rectification_items r ${ITEM_JOINS(sql)}
    where r.meeting_id = ${meeting.id}
    order by (r.status = 'closed'), r.deadline, r.created_at`;
  const now = new Date();
  return { meeting, items: rows.map((r) => withOverdue(r, now)) };
}

/**
 * The 回头看 card of a 组织生活会: openItemsForLookBack for the meeting's branch before its start,
 * only the items this person may read. Null for another kind of meeting or nothing to look back on.
 */
export async function lookBackFor(
  sql: Sql,
  subject: Subject,
  meeting: { orgId: string; kind: string; startsAt: Date | string },
): Promise<(LookBack & { open: number; overdue: number; closed: number }) | null> {
  if (meeting.kind !== "life_meeting") return null;
  const org = await findOrg(sql, meeting.orgId);
  if (!org || org.kind !== "branch") return null;
  const found = await openItemsForLookBack(sql, org.id, new Date(meeting.startsAt));
  if (!found) return null;
  const { scope } = await rectificationSettings(sql, org.id);
  const items = found.items.filter(
    (i) => rectificationAccess(subject, { org: org.resource, ownerId: i.ownerId, scope }) !== "none",
  );
  if (items.length === 0) return null;
  return {
    ...found,
    items,
    open: items.filter((i) => i.status !== "closed").length,
    overdue: items.filter((i) => i.overdue).length,
    closed: items.filter((i) => i.status === "closed").length,
  };
}

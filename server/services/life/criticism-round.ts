import type { Sql } from "../../../db/client";
import { criticismAnswerDoc, criticismDoc, criticismNoteDoc, meetingMinutesDoc } from "../../../shared/doc-names";
import { defaultRoundOrder, holdsCriticismRound, reorderRound } from "../../../shared/domain/life-criticism";
import { ROLE_LABEL, type Role } from "../../../shared/domain/labels";
import { fillCriticismSection, lifeMinutesOutline } from "../../../shared/editor/minutes";
import {
  canManage,
  criticismAccess,
  criticismAnswerAccess,
  criticismAuthorsVisible,
  criticismNoteAccess,
} from "../../../shared/permissions";
import { RECTIFICATION_STATUS_LABEL } from "../../../shared/schemas/rectification";
import type { Actor, LiveAccess } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { forgetMeetingScope, loadMeetingScope, refuseIfSealed, type MeetingScope } from "../meeting-scope";
import type { Subject } from "../../../shared/permissions";
import { authorKey, inProgress, noteResource, roundSalt } from "./criticism-records";
import { composeNote, noteForMinutes, refreshNote } from "./criticism-note";
import { openItemsForLookBack } from "./rectification";
import { criticismItemLinks, type CriticismItemLinks } from "./criticism-rectification";

// The round of criticism at a 组织生活会 (issue 16 §2, docs/decisions/035): the host moves through
// the people on the list like through the agenda — 书记 first, then the 委员, then the members,
// in an order they may edit — passing over those not at the meeting. The turn travels on the
// session's live channel (criticismTurnId) like the agenda position. Moving on from a person
// writes their note (self-criticism, criticisms received, answer) into the minutes, so the 记录人
// types nothing twice.

export interface RoundTurn {
  id: string;
  name: string;
  /** Their post in the meeting's organisation (书记, 组织委员 …), or null for a member. */
  post: string | null;
  absent: boolean;
  done: boolean;
}

export interface CurrentTurn {
  personId: string;
  name: string;
  /** The note's live document, for those who may read it (else null: they see only whose turn it is). */
  noteDoc: string | null;
  /** The viewer's own criticism of this person, when they may write one. */
  myCriticismDoc: string | null;
  /** The person's answer document, when the viewer is the person and may write it. */
  answerDoc: string | null;
  /** Neutral key → author's name, only for those who may see authors. */
  authors: Record<string, string> | null;
  /** Whether the viewer sees the 书记's flags (whoever runs the session). */
  seesFlags: boolean;
  /** 「生成整改事项」 per criticism, for readers who may make 整改清单 items (else null). */
  rectification: CriticismItemLinks | null;
}

export interface CriticismRoundView {
  canRun: boolean;
  inProgress: boolean;
  ended: boolean;
  turns: RoundTurn[];
  currentId: string | null;
  current: CurrentTurn | null;
}

interface Person {
  id: string;
  name: string;
  roles: Role[];
  present: boolean;
}

/** The people of the round: the 应到 list, with their posts in the meeting's organisation and whether they came. */
async function roundPeople(sql: Sql, scope: MeetingScope): Promise<Person[]> {
  return sql<Person[]>`
    select u.id, u.display_name as name,
      coalesce((select array_agg(ms.role) from memberships ms
                where ms.user_id = u.id and ms.org_id = ${scope.row.org_id} and ms.ended_at is null), '{}') as roles,
      exists (select 1 from attendance a where a.meeting_id = i.meeting_id and a.user_id = u.id
              and a.status in ('present', 'late', 'left_early')) as present
    from meeting_invitees i join users u on u.id = i.user_id
    where i.meeting_id = ${scope.row.id} and i.role = 'attendee'`;
}

const postOf = (roles: readonly Role[]): string | null => {
  const post = roles.find((r) => r !== "member" && r !== "group_leader");
  return post ? ROLE_LABEL[post] : null;
};

/** The stored order, or the default one while the round has not been touched. */
async function orderOf(sql: Sql, scope: MeetingScope, people: Person[]) {
  const stored = await sql<{ user_id: string; absent: boolean; done: boolean }[]>`
    select user_id, absent, done from life_criticism_turns where meeting_id = ${scope.row.id} order by position`;
  const byId = new Map(people.map((p) => [p.id, p]));
  if (stored.length > 0) {
    const known = stored.filter((s) => byId.has(s.user_id));
    const listed = new Set(known.map((s) => s.user_id));
    // Someone added to the list after the order was set comes last.
    const added = defaultRoundOrder(people.filter((p) => !listed.has(p.id)));
    return [
      ...known.map((s) => ({ person: byId.get(s.user_id)!, absent: s.absent, done: s.done })),
      ...added.map((p) => ({ person: p, absent: false, done: false })),
    ];
  }
  return defaultRoundOrder(people).map((p) => ({ person: p, absent: false, done: false }));
}

async function currentOf(sql: Sql, meetingId: string): Promise<string | null> {
  const [r] = await sql<{ current_user_id: string | null }[]>`
    select current_user_id from life_criticism_rounds where meeting_id = ${meetingId}`;
  return r?.current_user_id ?? null;
}

/** The round as the viewer sees it; null for a meeting without one. Hidden meeting: 404. */
export async function criticismRound(
  sql: Sql,
  subject: Subject,
  meetingId: string,
): Promise<CriticismRoundView | null> {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  if (!holdsCriticismRound(scope.row.kind) || scope.row.status === "cancelled") return null;
  const people = await roundPeople(sql, scope);
  const order = await orderOf(sql, scope, people);
  const currentId = await currentOf(sql, meetingId);
  const running = inProgress(scope);
  let current: CurrentTurn | null = null;
  const person = order.find((o) => o.person.id === currentId)?.person;
  if (person) {
    const r = await noteResource(sql, scope, subject.userId, person.id);
    const reads = criticismNoteAccess(subject, r) !== "none";
    const writesCriticism =
      criticismAccess(subject, { ...r, authorId: subject.userId, authorInvited: scope.invited !== null }) === "write";
    let authors: Record<string, string> | null = null;
    if (reads && criticismAuthorsVisible(subject, r)) authors = await authorNames(sql, meetingId, person.id, people);
    current = {
      personId: person.id,
      name: person.name,
      noteDoc: reads ? criticismNoteDoc(meetingId, person.id) : null,
      myCriticismDoc: writesCriticism ? criticismDoc(meetingId, person.id, subject.userId) : null,
      answerDoc: criticismAnswerAccess(subject, r) === "write" ? criticismAnswerDoc(meetingId, person.id) : null,
      authors,
      seesFlags: reads && canManage(scope.session),
      rectification: reads ? await roundItemLinks(sql, subject, scope, person.id) : null,
    };
    if (reads && subject.userId !== person.id)
      await audit(sql, {
        actorId: subject.userId,
        action: "criticism.read",
        orgId: scope.row.org_id,
        subjectUserId: person.id,
        detail: { meeting: scope.row.title, document: "criticism-note", via: "page" },
      });
  }
  return {
    canRun: canManage(scope.session),
    inProgress: running,
    ended: scope.row.session_ended_at !== null,
    turns: order.map((o) => ({
      id: o.person.id,
      name: o.person.name,
      post: postOf(o.person.roles),
      absent: o.absent,
      done: o.done,
    })),
    currentId: person ? person.id : null,
    current,
  };
}

/**
 * The 整改清单 links for this person's criticisms. The keys of everyone on the list who could have
 * written one are enough to find the items already made (the note itself travels live); only keys
 * with an item come back, never who they stand for.
 */
async function roundItemLinks(sql: Sql, subject: Subject, scope: MeetingScope, personId: string) {
  const salt = await roundSalt(sql, scope.row.id);
  const writers = await sql<{ user_id: string }[]>`
    select user_id from meeting_invitees where meeting_id = ${scope.row.id} and user_id <> ${personId}`;
  const keys = writers.map((w) => authorKey(salt, personId, w.user_id));
  return criticismItemLinks(sql, subject, scope.row.org_id, scope.row.id, personId, keys);
}

/** Neutral key → name for every possible author on the list (the keys of those who wrote nothing are never shown). */
async function authorNames(sql: Sql, meetingId: string, personId: string, people: Person[]) {
  const salt = await roundSalt(sql, meetingId);
  const guests = await sql<{ id: string; name: string }[]>`
    select u.id, u.display_name as name from meeting_invitees i join users u on u.id = i.user_id
    where i.meeting_id = ${meetingId} and i.role = 'guest'`;
  const out: Record<string, string> = {};
  for (const p of [...people, ...guests]) if (p.id !== personId) out[authorKey(salt, personId, p.id)] = p.name;
  return out;
}

const NOT_RUNNER = () => new DomainError("只有主持人、书记或组织委员可以主持批评与自我批评。", 403);

/** Loads the meeting for a change to its round: runner, in a round-holding meeting, not over. */
async function forChange(sql: Sql, actor: Actor, meetingId: string) {
  const scope = await loadMeetingScope(sql, actor.subject, meetingId, { fresh: true });
  // Another kind of meeting has no round: as if it did not exist.
  if (!holdsCriticismRound(scope.row.kind)) throw hidden();
  if (!canManage(scope.session)) throw NOT_RUNNER();
  refuseIfSealed(scope);
  if (scope.row.status === "cancelled") throw new DomainError("会议已取消。", 409);
  if (scope.row.session_ended_at) throw new DomainError("会议已经结束，批评与自我批评不能再调整。", 409);
  const people = await roundPeople(sql, scope);
  const order = await orderOf(sql, scope, people);
  return { scope, people, order };
}

async function storeOrder(sql: Sql, meetingId: string, order: { person: Person; absent: boolean; done: boolean }[]) {
  await roundSalt(sql, meetingId);
  await sql`delete from life_criticism_turns where meeting_id = ${meetingId}`;
  for (const [i, o] of order.entries())
    await sql`
      insert into life_criticism_turns (meeting_id, user_id, position, absent, done)
      values (${meetingId}, ${o.person.id}, ${i}, ${o.absent}, ${o.done})`;
}

/** The host sets the order (before or during the meeting): the ids given first, anyone left out after. */
export async function setRoundOrder(sql: Sql, live: LiveAccess, actor: Actor, meetingId: string, ids: string[]) {
  const { order } = await forChange(sql, actor, meetingId);
  const unknown = ids.filter((id) => !order.some((o) => o.person.id === id));
  if (unknown.length > 0) throw new DomainError("顺序中有不在本次会议应到名单上的人。", 400, "order");
  const next = reorderRound(
    order.map((o) => o.person.id),
    ids,
  ).map((id) => order.find((o) => o.person.id === id)!);
  await storeOrder(sql, meetingId, next);
  await live.sessionChanged(meetingId);
}

/**
 * The host moves the round: to the next person (passing over, and noting as absent, those not
 * at the meeting), back to the previous one, to a named person, or to nobody (the round paused).
 * The person left behind has their note written into the minutes, once.
 */
export async function moveTurn(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  to: { step: "next" | "previous" } | { personId: string | null },
) {
  const { scope, order } = await forChange(sql, actor, meetingId);
  if (!scope.row.session_started_at) throw new DomainError("会议开始后才能进行批评与自我批评。", 409);
  const currentId = await currentOf(sql, meetingId);
  const at = order.findIndex((o) => o.person.id === currentId);
  let target: string | null;
  if ("personId" in to) {
    if (to.personId !== null && !order.some((o) => o.person.id === to.personId))
      throw new DomainError("此人不在本次会议的应到名单上。", 400, "personId");
    target = to.personId;
  } else if (to.step === "previous") {
    target = at > 0 ? order[at - 1].person.id : null;
  } else {
    target = null;
    for (let i = at + 1; i < order.length; i++) {
      if (order[i].person.present) {
        target = order[i].person.id;
        break;
      }
      // Not at the meeting: passed over, noted (their material goes into the minutes as such).
      order[i].absent = true;
      order[i].done = true;
      await writeIntoMinutes(sql, live, meetingId, order[i].person, true);
    }
  }
  const leaving = at >= 0 ? order[at] : null;
  if (leaving && leaving.person.id !== target && !leaving.done) {
    leaving.done = true;
    await refreshNote(sql, live, meetingId, leaving.person.id);
    await writeIntoMinutes(sql, live, meetingId, leaving.person, false);
  }
  await storeOrder(sql, meetingId, order);
  await sql`update life_criticism_rounds set current_user_id = ${target}, updated_at = now() where meeting_id = ${meetingId}`;
  forgetMeetingScope(actor.subject, meetingId);
  if (target) await refreshNote(sql, live, meetingId, target);
  await live.sessionChanged(meetingId, { criticismTurnId: target });
  return { personId: target };
}

async function writeIntoMinutes(sql: Sql, live: LiveAccess, meetingId: string, person: Person, absent: boolean) {
  const note = await composeNote(sql, live, meetingId, person.id);
  const lines = noteForMinutes(person.name, note, absent);
  await live.editDocument(meetingMinutesDoc(meetingId), (doc) => fillCriticismSection(doc, person.name, lines));
}

/**
 * The first content of a 组织生活会's minutes (the collaboration server's seed): 回头看 from the
 * last 组织生活会's 整改清单 items, a heading per person of the round, the decisions.
 */
export async function lifeMinutesSeed(sql: Sql, meetingId: string): Promise<Uint8Array | null> {
  const [m] = await sql<{ org_id: string; kind: string; starts_at: Date }[]>`
    select org_id, kind, starts_at from meetings where id = ${meetingId}`;
  if (!m || !holdsCriticismRound(m.kind)) return null;
  const back = await openItemsForLookBack(sql, m.org_id, m.starts_at);
  const lines = (back?.items ?? []).map(
    (i) =>
      `${i.problem}（${i.ownerName ?? "支部"}，${RECTIFICATION_STATUS_LABEL[i.status]}${i.overdue ? "，已逾期" : ""}）`,
  );
  const people = await sql<Person[]>`
    select u.id, u.display_name as name, false as present,
      coalesce((select array_agg(ms.role) from memberships ms
                where ms.user_id = u.id and ms.org_id = ${m.org_id} and ms.ended_at is null), '{}') as roles
    from meeting_invitees i join users u on u.id = i.user_id
    where i.meeting_id = ${meetingId} and i.role = 'attendee'`;
  const stored = await sql<{ user_id: string }[]>`
    select user_id from life_criticism_turns where meeting_id = ${meetingId} order by position`;
  const ordered =
    stored.length > 0
      ? stored.map((s) => people.find((p) => p.id === s.user_id)).filter((p): p is Person => !!p)
      : defaultRoundOrder(people);
  return lifeMinutesOutline(
    lines,
    ordered.map((p) => p.name),
  );
}

import type { Sql } from "../../../db/client";
import { hasLifeCycle, isStudyKind, noticeInTime, STUDY_KINDS } from "../../../shared/domain/life-cycle";
import type { LifeStage } from "../../../shared/domain/life-stages";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../../shared/domain/labels";
import { lifeStudyAccess } from "../../../shared/permissions";
import type { OfflineStudy } from "../../../shared/schemas/life-cycle";
import { chinaDate, chinaDateKey, daysBetween } from "../../../shared/time";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { forgetMeetingScope, loadMeetingScope, scopeSettings, type MeetingScope } from "../meeting-scope";

// 学习, the first stage of a 组织生活会 (issue 16 §1; decision 036): the notice went out the
// branch's N days ahead, and the collective study happened: a 党课 or 主题党日 (学习) of the same
// organisation the 书记 links to the 组织生活会, or a study held offline recorded with its day and
// hours. Who of those on the list missed a linked study is shown (make-up is the attendance
// page's 补学), never ranked.

/** How far back a study meeting may lie and still be linked: half a year before the meeting. */
const STUDY_WINDOW_DAYS = 183;

export interface LinkedStudy {
  id: string;
  title: string;
  kind: MeetingKind;
  kindLabel: string;
  startsAt: Date;
  held: boolean;
}

export interface OfflineStudyRow {
  id: string;
  topic: string;
  studiedOn: string;
  hours: number;
}

export interface LifeStudy {
  linked: LinkedStudy[];
  offline: OfflineStudyRow[];
  /** Study meetings that may still be linked (for those who manage). */
  candidates: LinkedStudy[];
  /** When the meeting was put on the calendar (or last moved to another time), and the notice rule. */
  notice: { noticedAt: Date; days: number; required: number; inTime: boolean; rescheduled: boolean };
  manage: boolean;
}

function requireLife(scope: MeetingScope) {
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
}

async function linkedStudies(sql: Sql, meetingId: string, now: Date): Promise<LinkedStudy[]> {
  const rows = await sql<{ id: string; title: string; kind: MeetingKind; startsAt: Date }[]>`
    select m.id, m.title, m.kind, m.starts_at as "startsAt"
    from life_study_links l join meetings m on m.id = l.study_meeting_id
    where l.meeting_id = ${meetingId} and m.status <> 'cancelled'
    order by m.starts_at, m.id`;
  return rows.map((r) => ({ ...r, kindLabel: MEETING_KIND_LABEL[r.kind], held: r.startsAt < now }));
}

/** The study of a meeting with the cycle, as its page shows it. */
export async function lifeStudy(sql: Sql, scope: MeetingScope, now = new Date()): Promise<LifeStudy> {
  requireLife(scope);
  const manage = lifeStudyAccess(scope.subject, scope.resource) === "manage";
  const linked = await linkedStudies(sql, scope.row.id, now);
  const offline = await sql<OfflineStudyRow[]>`
    select id, topic, to_char(studied_on, 'YYYY-MM-DD') as "studiedOn", hours::float8 as hours
    from life_offline_studies where meeting_id = ${scope.row.id} order by studied_on, recorded_at`;
  const from = new Date(scope.row.starts_at.getTime() - STUDY_WINDOW_DAYS * 86_400_000);
  const candidates = manage
    ? (
        await sql<{ id: string; title: string; kind: MeetingKind; startsAt: Date }[]>`
          select m.id, m.title, m.kind, m.starts_at as "startsAt" from meetings m
          where m.org_id = ${scope.org.id} and m.kind = any(${STUDY_KINDS as unknown as string[]}::text[])
            and m.status = 'scheduled' and m.starts_at >= ${from} and m.starts_at < ${scope.row.starts_at}
            and not exists (select 1 from life_study_links l where l.meeting_id = ${scope.row.id} and l.study_meeting_id = m.id)
          order by m.starts_at desc limit 20`
      ).map((r) => ({ ...r, kindLabel: MEETING_KIND_LABEL[r.kind], held: r.startsAt < now }))
    : [];
  const settings = await scopeSettings(sql, scope);
  const required = settings.kinds[scope.row.kind].noticeDays;
  // Moved to another start: the members learn the new time from the 改期 notice, so the notice
  // period counts from the last such move, as it counts from scheduling (decision 036).
  const [moved] = await sql<{ at: Date }[]>`
    select at from meeting_history
    where meeting_id = ${scope.row.id} and change = 'rescheduled'
      and detail->'from'->>'startsAt' is distinct from detail->'to'->>'startsAt'
    order by id desc limit 1`;
  const noticedAt = moved && moved.at > scope.row.created_at ? moved.at : scope.row.created_at;
  return {
    linked,
    offline: offline.map((o) => ({ ...o, hours: Number(o.hours) })),
    candidates,
    notice: {
      noticedAt,
      days: Math.max(0, daysBetween(noticedAt, scope.row.starts_at)),
      required,
      inTime: noticeInTime(noticedAt, scope.row.starts_at, required),
      rescheduled: noticedAt !== scope.row.created_at,
    },
    manage,
  };
}

async function manageScope(sql: Sql, actor: Actor, meetingId: string): Promise<MeetingScope> {
  const scope = await loadMeetingScope(sql, actor.subject, meetingId, { fresh: true });
  requireLife(scope);
  if (lifeStudyAccess(actor.subject, scope.resource) !== "manage")
    throw new DomainError("只有书记、副书记或组织委员可以安排组织生活会的学习。", 403);
  if (scope.row.status === "cancelled") throw new DomainError("会议已取消。", 409);
  return scope;
}

/** Links a 党课 or 主题党日 (学习) of the same organisation as the cycle's study. */
export async function linkStudy(sql: Sql, actor: Actor, meetingId: string, studyMeetingId: string): Promise<void> {
  const scope = await manageScope(sql, actor, meetingId);
  const [study] = await sql<{ kind: MeetingKind; org_id: string; status: string; starts_at: Date; title: string }[]>`
    select kind, org_id, status, starts_at, title from meetings where id = ${studyMeetingId}`;
  if (!study || study.org_id !== scope.org.id)
    throw new DomainError("只能关联本组织的党课或学习。", 400, "studyMeetingId");
  if (!isStudyKind(study.kind)) throw new DomainError("只能关联党课或主题党日（学习）。", 400, "studyMeetingId");
  if (study.status !== "scheduled") throw new DomainError("这次学习已取消或尚未确认。", 400, "studyMeetingId");
  if (study.starts_at >= scope.row.starts_at)
    throw new DomainError("学习应在组织生活会之前进行。", 400, "studyMeetingId");
  const added = await sql`
    insert into life_study_links (meeting_id, study_meeting_id, linked_by)
    values (${meetingId}, ${studyMeetingId}, ${actor.userId}) on conflict do nothing returning 1`;
  if (added.length === 0) throw new DomainError("这次学习已经关联过了。", 409, "studyMeetingId");
  await audit(sql, {
    actorId: actor.userId,
    action: "life.study_linked",
    orgId: scope.org.id,
    detail: { meeting: meetingId, study: studyMeetingId, title: study.title },
    address: actor.address,
  });
  forgetMeetingScope(actor.subject, meetingId);
}

export async function unlinkStudy(sql: Sql, actor: Actor, meetingId: string, studyMeetingId: string): Promise<void> {
  const scope = await manageScope(sql, actor, meetingId);
  const gone = await sql`
    delete from life_study_links where meeting_id = ${meetingId} and study_meeting_id = ${studyMeetingId} returning 1`;
  if (gone.length === 0) throw new DomainError("这次学习没有关联。", 409, "studyMeetingId");
  await audit(sql, {
    actorId: actor.userId,
    action: "life.study_unlinked",
    orgId: scope.org.id,
    detail: { meeting: meetingId, study: studyMeetingId },
    address: actor.address,
  });
}

/** Records a study held offline (its day, hours and topic); not after the meeting's day. */
export async function recordOfflineStudy(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  input: OfflineStudy,
): Promise<string> {
  const scope = await manageScope(sql, actor, meetingId);
  const day = chinaDate(input.studiedOn);
  if (!day) throw new DomainError("请填写有效的学习日期。", 400, "studiedOn");
  if (input.studiedOn > chinaDateKey(scope.row.starts_at))
    throw new DomainError("学习应在组织生活会之前进行。", 400, "studiedOn");
  const [row] = await sql<{ id: string }[]>`
    insert into life_offline_studies (meeting_id, studied_on, hours, topic, recorded_by)
    values (${meetingId}, ${input.studiedOn}, ${input.hours}, ${input.topic}, ${actor.userId}) returning id`;
  await audit(sql, {
    actorId: actor.userId,
    action: "life.study_recorded",
    orgId: scope.org.id,
    detail: { meeting: meetingId, studiedOn: input.studiedOn, hours: input.hours },
    address: actor.address,
  });
  return row.id;
}

/**
 * The 学习 stage: done when the notice went out in time and a study was held (a linked study
 * meeting that has taken place, or an offline study); who on the list missed the linked studies
 * (absent, or on leave without 补学 done) is missing.
 */
export async function studyStage(sql: Sql, scope: MeetingScope, now = new Date()): Promise<LifeStage> {
  const s = await lifeStudy(sql, scope, now);
  const done: string[] = [];
  const missing: string[] = [];
  if (s.notice.inTime) done.push(`提前 ${s.notice.days} 天通知（规定 ${s.notice.required} 天）`);
  else missing.push(`通知只提前了 ${s.notice.days} 天，规定至少 ${s.notice.required} 天`);
  const held = s.linked.filter((l) => l.held);
  for (const l of held) done.push(`${l.kindLabel}「${l.title}」已学习`);
  for (const l of s.linked.filter((x) => !x.held)) missing.push(`${l.kindLabel}「${l.title}」尚未举行`);
  for (const o of s.offline) done.push(`线下学习「${o.topic}」${o.hours} 小时（${o.studiedOn}）`);
  const studied = held.length > 0 || s.offline.length > 0;
  if (!studied && s.linked.length === 0) missing.push("尚未关联集中学习或登记线下学习");
  const missingPeople = held.length
    ? await sql<{ id: string; name: string }[]>`
        select u.id, u.display_name as name from meeting_invitees i join users u on u.id = i.user_id
        where i.meeting_id = ${scope.row.id} and i.role = 'attendee'
          and not exists (
            select 1 from attendance a
            where a.user_id = i.user_id and a.meeting_id = any(${held.map((l) => l.id)}::uuid[])
              and a.status in ('present', 'late', 'left_early'))
          and not exists (
            select 1 from makeup_tasks mk
            where mk.user_id = i.user_id and mk.meeting_id = any(${held.map((l) => l.id)}::uuid[]) and mk.completed_at is not null)
        order by u.display_name, u.id`
    : [];
  if (missingPeople.length) missing.push(`${missingPeople.length} 人未参加学习，也未补学`);
  const state =
    studied && s.notice.inTime && missingPeople.length === 0 ? "done" : studied || s.linked.length ? "doing" : "todo";
  return { key: "study", state, done, missing, missingPeople: [...missingPeople], href: null };
}

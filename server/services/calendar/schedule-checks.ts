import type { Sql } from "../../../db/client";
import { kindsHeld } from "../../../shared/domain/kind-rules";
import {
  KINDS_HELD_BY,
  MEETING_KIND_LABEL,
  ORG_KIND_LABEL,
  type MeetingKind,
  type OrgKind,
} from "../../../shared/domain/labels";
import type { MeetingInput } from "../../../shared/schemas/meetings";
import { chinaParts, chinaShort } from "../../../shared/time";
import type { Actor } from "../actor";
import { DomainError } from "../errors";
import { findMeetingScope, loadMeetingScope, refuseIfSealed, type MeetingRow } from "../meeting-scope";
import { orgSettings } from "../people/org-settings";
import { requireSchedulingOrg, type Org } from "../people/orgs";
import type { Invitee } from "./invitees";

// The checks scheduling shares (create, update, the annual plan and series in bulk-schedule.ts):
// the kinds an organisation holds, the shape of a time and place, the host being free, the people
// belonging to the organisation; and the lock every change to a meeting takes first.

// ------------------------------------------------------------------------------------------------
// Checks shared by create and update

/**
 * The kinds an organisation holds (shared/domain KINDS_HELD_BY, less optional kinds its settings
 * have not turned on): what its scheduling forms offer.
 */
export async function kindsFor(sql: Sql, org: Pick<Org, "id" | "kind">): Promise<MeetingKind[]> {
  return kindsHeld(org.kind, await orgSettings(sql, org.id));
}

export async function checkKind(sql: Sql, org: Org, kind: MeetingKind) {
  if ((await kindsFor(sql, org)).includes(kind)) return;
  const word = ORG_KIND_LABEL[org.kind];
  const message =
    org.kind === "group"
      ? "党小组只能安排党小组会；其他会议请在党支部安排。"
      : kind === "group_meeting"
        ? "党小组会请在相应的党小组安排。"
        : KINDS_HELD_BY[org.kind].includes(kind)
          ? `${word}尚未启用${MEETING_KIND_LABEL[kind]}，请先在组织生活规则中启用。`
          : `${MEETING_KIND_LABEL[kind]}不是${word}召开的会议，请选择${KINDS_HELD_BY[org.kind].map((k) => MEETING_KIND_LABEL[k]).join("、")}。`;
  throw new DomainError(message, 400, "kind");
}

export function checkShape(input: Pick<MeetingInput, "startsAt" | "endsAt" | "location" | "onlineUrl">) {
  if (input.endsAt.getTime() <= input.startsAt.getTime())
    throw new DomainError("结束时间应晚于开始时间", 400, "endTime");
  if (!input.location && !input.onlineUrl) throw new DomainError("请填写地点或线上会议链接", 400, "location");
}

export const PAST = () => new DomainError("不能把会议安排在过去的时间。", 400, "date");

async function nameOf(t: Sql, userId: string): Promise<string> {
  const [u] = await t<{ name: string }[]>`select display_name as name from users where id = ${userId}`;
  return u?.name ?? "（未知）";
}

/**
 * Refuses a time at which the host already chairs another scheduled meeting, in any
 * organisation. The clash is named only if the actor may see it.
 */
export async function checkHostFree(
  t: Sql,
  actor: Actor,
  input: Pick<MeetingInput, "hostId" | "startsAt" | "endsAt">,
  exceptId?: string,
) {
  // Two requests scheduling the same host at once must not both pass the check.
  await t`select pg_advisory_xact_lock(727004, hashtext(${input.hostId}))`;
  const [clash] = await t<
    { id: string; title: string; starts_at: Date; ends_at: Date; org_id: string; org_kind: OrgKind }[]
  >`
    select m.id, m.title, m.starts_at, m.ends_at, m.org_id, o.kind as org_kind
    from meetings m join organizations o on o.id = m.org_id
    where m.host_id = ${input.hostId} and m.status = 'scheduled'
      and m.starts_at < ${input.endsAt} and m.ends_at > ${input.startsAt}
      ${exceptId ? t`and m.id <> ${exceptId}` : t``}
    order by m.starts_at limit 1`;
  if (!clash) return;
  const visible = (await findMeetingScope(t, actor.subject, clash.id)) !== null;
  const what = visible ? `“${clash.title}”` : "其他组织的一项会议";
  throw new DomainError(
    `主持人 ${await nameOf(t, input.hostId)} 在该时段已有会议：${what} ${chinaShort(clash.starts_at)}–${chinaParts(clash.ends_at).time}。请调整时间或更换主持人。`,
    409,
  );
}

/** `allowed`: in the organisation; `chairs`: may chair or record (activated, shared/permissions mayChair). */
export function checkPeople(input: MeetingInput, allowed: (id: string) => boolean, chairs: (id: string) => boolean) {
  if (!allowed(input.hostId)) throw new DomainError("主持人须是本组织的成员。", 400, "hostId");
  if (!chairs(input.hostId))
    throw new DomainError("主持人还没有激活账号，无法开始会议：请选择已激活账号的成员。", 400, "hostId");
  if (input.recorderId && !allowed(input.recorderId))
    throw new DomainError("记录人须是本组织的成员。", 400, "recorderId");
  if (input.recorderId && !chairs(input.recorderId))
    throw new DomainError("记录人还没有激活账号，无法填写会议记录：请选择已激活账号的成员。", 400, "recorderId");
}

export function checkInvitees(list: Invitee[], allowed: (id: string) => boolean) {
  if (list.some((i) => !allowed(i.userId)))
    throw new DomainError("参会人员中有不属于本组织的人员，请刷新页面后重新选择。", 400, "invitees");
  if (list.length === 0) throw new DomainError("请至少选择一位参会人员。", 400, "invitees");
}

/**
 * Locks the meeting (loadMeetingScope's `lock`, inside the caller's transaction) and checks the
 * actor convenes its organisation (requireSchedulingOrg: scheduleAccess): 404 when they may not
 * even see the meeting, 403 when they see it but do not convene it. Whoever manages the
 * organisation from above sits on its committee chain and so reads the meeting (meetingAccess).
 * A sealed meeting is refused (409) here, for everything that locks it.
 */
export async function lockMeeting(t: Sql, actor: Actor, meetingId: string): Promise<{ row: MeetingRow; org: Org }> {
  const scope = await loadMeetingScope(t, actor.subject, meetingId, { lock: true });
  const org = await requireSchedulingOrg(t, actor, scope.row.org_id);
  // Editing, rescheduling, cancelling, correcting and materials: all change the sealed record.
  refuseIfSealed(scope);
  return { row: scope.row, org };
}

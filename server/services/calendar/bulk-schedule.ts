import { randomBytes } from "node:crypto";
import type { Sql } from "../../../db/client";
import type { MeetingKind } from "../../../shared/domain/labels";
import { chinaParts } from "../../../shared/time";
import type { Actor } from "../actor";
import { DomainError } from "../errors";
import { defaultChairs, leaderTitle, mayChair } from "../../../shared/permissions";
import { requireSchedulingOrg, type Org } from "../people/orgs";
import { inviteePool, pickDefaults, type PoolPerson } from "./invitees";
import { history } from "./meeting-history";
import { checkHostFree, checkKind, checkShape, PAST } from "./schedule-checks";

// Many meetings at once, for the annual plan and recurring series: every row is checked by the
// same rules as a single meeting (kind, times, the host free), all are created or none, and each
// invitee gets one notification for the lot instead of one per meeting.

export interface BulkMeeting {
  /** The organisation that holds it (a 党小组 for its 党小组会). */
  orgId: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineUrl: string | null;
  /** Absent: the organisation's 书记 (a group's 党小组长): defaultChairs in shared/permissions. */
  hostId?: string;
  /** Absent: the 组织委员 for a branch's meetings; none for a group's. */
  recorderId?: string | null;
}

export interface RowError {
  index: number;
  message: string;
}

/** Some rows were refused; nothing was created. */
export class RowsRefused extends DomainError {
  constructor(readonly rows: RowError[]) {
    super(`有 ${rows.length} 项安排需要调整，请查看标出的行。没有创建任何会议。`, 400);
  }
}

/**
 * Creates the meetings in the caller's transaction, or throws RowsRefused naming every bad row
 * (so the secretary fixes them all in one go). `summary` names the batch in the one notification
 * each invitee gets, e.g. 「机关第一党支部 2027 年度计划」.
 */
export async function createMeetings(
  t: Sql,
  actor: Actor,
  items: BulkMeeting[],
  opts: { seriesId?: string | null; source: "plan" | "series"; summary: string },
): Promise<string[]> {
  const orgs = new Map<string, { org: Org; pool: PoolPerson[] }>();
  const errors: RowError[] = [];
  const ids: string[] = [];
  const perUser = new Map<string, { count: number; first: Date }>();
  const now = Date.now();

  for (const [index, item] of items.entries()) {
    try {
      let holder = orgs.get(item.orgId);
      if (!holder) {
        const org = await requireSchedulingOrg(t, actor, item.orgId);
        holder = { org, pool: await inviteePool(t, org) };
        orgs.set(item.orgId, holder);
      }
      const { org, pool } = holder;
      await checkKind(t, org, item.kind);
      checkShape(item);
      if (item.startsAt.getTime() < now) throw PAST();
      const chairs = defaultChairs(org, pool);
      const hostId = item.hostId ?? chairs.hostId;
      if (!hostId)
        throw new DomainError(
          `${org.name}还没有可以主持会议的${leaderTitle(org.kind)}（须已激活账号），请先在成员中设置。`,
          400,
        );
      if (!pool.some((p) => p.id === hostId && mayChair(p)))
        throw new DomainError("主持人须是本组织已激活账号的成员。", 400, "hostId");
      const recorderId = item.recorderId === undefined ? chairs.recorderId : item.recorderId;
      if (recorderId && !pool.some((p) => p.id === recorderId && mayChair(p)))
        throw new DomainError("记录人须是本组织已激活账号的成员。", 400, "recorderId");
      const invitees = pickDefaults(pool, org, item.kind);
      if (invitees.length === 0) throw new DomainError(`${org.name}还没有应参加这类会议的人员。`, 400);
      await checkHostFree(t, actor, { hostId, startsAt: item.startsAt, endsAt: item.endsAt });
      if (errors.length > 0) continue; // still checking the rest; nothing will be kept

      const [m] = await t<{ id: string }[]>`
        insert into meetings (org_id, kind, title, starts_at, ends_at, location, online_url, host_id, recorder_id,
                              status, series_id, signin_secret, created_by)
        values (${org.id}, ${item.kind}, ${item.title}, ${item.startsAt}, ${item.endsAt}, ${item.location},
                ${item.onlineUrl}, ${hostId}, ${recorderId}, 'scheduled', ${opts.seriesId ?? null},
                ${randomBytes(32).toString("base64url")}, ${actor.userId})
        returning id`;
      await t`
        insert into meeting_invitees (meeting_id, user_id, role, added_by)
        select ${m.id}, u, r, ${actor.userId}
        from unnest(${invitees.map((i) => i.userId)}::uuid[], ${invitees.map((i) => i.role)}::text[]) as x(u, r)`;
      await history(t, m.id, actor, "created", {
        title: item.title,
        startsAt: item.startsAt.toISOString(),
        endsAt: item.endsAt.toISOString(),
        invitees: invitees.length,
        source: opts.source,
      });
      ids.push(m.id);
      for (const i of invitees) {
        const seen = perUser.get(i.userId);
        if (!seen) perUser.set(i.userId, { count: 1, first: item.startsAt });
        else {
          seen.count++;
          if (item.startsAt < seen.first) seen.first = item.startsAt;
        }
      }
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      errors.push({ index, message: e.message });
    }
  }
  if (errors.length > 0) throw new RowsRefused(errors);

  const to = [...perUser.entries()].filter(([id]) => id !== actor.userId);
  if (to.length > 0) {
    await t`
      insert into notifications (user_id, kind, title, link)
      select u, 'meeting.invited', t, l
      from unnest(${to.map(([id]) => id)}::uuid[], ${to.map(([, v]) => `${opts.summary}已发布：你需参加其中 ${v.count} 次会议`)}::text[],
                  ${to.map(([, v]) => `/calendar?view=agenda&month=${chinaParts(v.first).date.slice(0, 7)}`)}::text[]) as x(u, t, l)`;
  }
  return ids;
}

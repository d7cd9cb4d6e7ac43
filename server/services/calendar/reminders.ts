import type { Sql } from "../../../db/client";
import { chinaDate, chinaDayNumber, DAY_MS } from "../../../shared/time";
import { DEFAULT_RULES, kindsHeld, type ResolvedSettings } from "../../../shared/domain/kind-rules";
import { resolveSettings } from "../../../shared/domain/org-settings";
import { MEETING_KINDS, type MeetingKind, type OrgKind, type Role } from "../../../shared/domain/labels";
import { dueTitle, dueWarning, reminderTitle } from "../../../shared/domain/reminders";
import { DUE_MEETING_AUDIENCE } from "../../../shared/permissions";

// Time-based reminders, sent by a timer in server/app.ts every few minutes, on every app node:
//  - meeting.reminder: to the invitees (应到 and 列席) of a scheduled meeting that has not started
//    and whose day is within its kind's notice days (the organisation's local rule);
//  - meeting.due: to an organisation's managers when the current cadence period of a required kind
//    has no scheduled meeting yet and is about to end (shared/domain/reminders.ts has the windows).
// Each notification carries a dedupe key, unique per person (migration 004), so a second run, or
// two nodes running at once, send nothing twice. Set-based: a handful of statements per run,
// whatever the number of organisations and meetings.

interface OrgRow {
  id: string;
  kind: OrgKind;
  name: string;
  parentId: string | null;
  /** "2026-12-07": obligations are counted from this China-time date. */
  trackingStartedOn: string;
  /** The organisation's own org_settings row; for a 党小组 without one, its branch's; else null. */
  settings: unknown;
}

/**
 * Every organisation with its local rules resolved: a 党小组 uses its own settings row if it has
 * one, else its branch's (the parent), else the defaults; any other organisation its own or the
 * defaults. The same resolveSettings as orgSettings() in org-settings.ts, for all at once.
 */
async function organisationsWithRules(sql: Sql) {
  const rows = await sql<OrgRow[]>`
    select o.id, o.kind, o.name, o.parent_id as "parentId",
      to_char(o.tracking_started_on, 'YYYY-MM-DD') as "trackingStartedOn",
      coalesce(s.settings, case when o.kind = 'group' then p.settings end) as settings
    from organizations o
    left join org_settings s on s.org_id = o.id
    left join org_settings p on p.org_id = o.parent_id`;
  const cache = new Map<string, ResolvedSettings>();
  return rows.map((o) => {
    const key = `${o.kind}:${JSON.stringify(o.settings ?? {})}`;
    const rules = cache.get(key) ?? resolveSettings(o.settings ?? {}, o.kind);
    cache.set(key, rules);
    return { ...o, rules };
  });
}

type Orgs = Awaited<ReturnType<typeof organisationsWithRules>>;

/**
 * Reminds invitees of meetings coming up within their notice days. Not for a cancelled or planned
 * meeting, one that has started (by the clock or by the host), nor for someone whose leave for it
 * is approved, nor for someone who was invited or told of a new time inside the notice window
 * (that message was the notice). Once per person and meeting time: a meeting moved to another time
 * is reminded of again.
 */
async function sendMeetingReminders(sql: Sql, orgs: Orgs, now: Date): Promise<number> {
  // Notice days per kind: the defaults, and each organisation's own where it differs.
  const overrides = { org: [] as string[], kind: [] as string[], days: [] as number[] };
  let maxNotice = Math.max(...MEETING_KINDS.map((k) => DEFAULT_RULES[k].noticeDays));
  for (const o of orgs)
    for (const kind of MEETING_KINDS) {
      const days = o.rules.kinds[kind].noticeDays;
      maxNotice = Math.max(maxNotice, days);
      if (days === DEFAULT_RULES[kind].noticeDays) continue;
      overrides.org.push(o.id);
      overrides.kind.push(kind);
      overrides.days.push(days);
    }
  const today = chinaDayNumber(now);
  // Nothing beyond the longest notice in use can be due; this bounds the scan of meetings.
  const horizon = new Date(now.getTime() + (maxNotice + 2) * DAY_MS);

  // Day numbers below are China-time calendar days, floor((epoch seconds + 28800) / 86400), as
  // chinaDayNumber; window_from is local midnight of the first day of the notice window.
  const due = await sql<
    {
      id: string;
      kind: MeetingKind;
      title: string;
      startsAt: Date;
      location: string | null;
      onlineUrl: string | null;
      key: string;
      userIds: string[];
    }[]
  >`
    with defaults (kind, notice_days) as (
      select * from unnest(${MEETING_KINDS as unknown as string[]}::text[],
                           ${MEETING_KINDS.map((k) => DEFAULT_RULES[k].noticeDays)}::int[])
    ), overrides (org_id, kind, notice_days) as (
      select * from unnest(${overrides.org}::uuid[], ${overrides.kind}::text[], ${overrides.days}::int[])
    ), upcoming as (
      select m.id, m.kind, m.title, m.starts_at, m.location, m.online_url,
        'meeting.reminder:' || m.id || ':' || floor(extract(epoch from m.starts_at))::bigint as key,
        to_timestamp(((floor((extract(epoch from m.starts_at) + 28800) / 86400)
          - coalesce(o.notice_days, d.notice_days)) * 86400 - 28800)::double precision) as window_from
      from meetings m
      join defaults d on d.kind = m.kind
      left join overrides o on o.org_id = m.org_id and o.kind = m.kind
      where m.status = 'scheduled' and m.session_started_at is null
        and m.starts_at > ${now} and m.starts_at < ${horizon}
        and floor((extract(epoch from m.starts_at) + 28800) / 86400) - ${today}::int
            <= coalesce(o.notice_days, d.notice_days)
    )
    select u.id, u.kind, u.title, u.starts_at as "startsAt", u.location, u.online_url as "onlineUrl", u.key,
      array_agg(i.user_id) as "userIds"
    from upcoming u
    join meeting_invitees i on i.meeting_id = u.id
    -- LATERAL … LIMIT 1: an index probe per invitee; a NOT EXISTS lets the planner hash every leave request
    left join lateral (
      select 1 as hit from leave_requests l
      where l.meeting_id = u.id and l.user_id = i.user_id and l.status = 'approved'
      limit 1) on_leave on true
    where on_leave.hit is null
      and not exists (select 1 from notifications n where n.user_id = i.user_id and n.dedupe_key = u.key)
      and not exists (select 1 from notifications n
                      where n.link = '/meetings/' || u.id and n.user_id = i.user_id
                        and n.kind in ('meeting.invited', 'meeting.rescheduled') and n.created_at >= u.window_from)
    group by u.id, u.kind, u.title, u.starts_at, u.location, u.online_url, u.key`;
  if (due.length === 0) return 0;

  const pairs = { user: [] as string[], title: [] as string[], link: [] as string[], key: [] as string[] };
  for (const m of due) {
    const title = reminderTitle(m);
    for (const userId of m.userIds) {
      pairs.user.push(userId);
      pairs.title.push(title);
      pairs.link.push(`/meetings/${m.id}`);
      pairs.key.push(m.key);
    }
  }
  const inserted = await sql`
    insert into notifications (user_id, kind, title, link, dedupe_key)
    select r.user_id, 'meeting.reminder', r.title, r.link, r.key
    from unnest(${pairs.user}::uuid[], ${pairs.title}::text[], ${pairs.link}::text[], ${pairs.key}::text[])
      as r (user_id, title, link, key)
    on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing`;
  return inserted.count;
}

/**
 * Tells managers about required meetings not yet arranged while the period runs out. For a 党支部,
 * every kind with a cadence but the 党小组会 (a meeting held in one of its groups counts, as on the
 * compliance page), to its 书记, 副书记 and 组织委员; for a 党小组, its 党小组会, to its 党小组长 and
 * the branch's 书记 and 组织委员. Once per organisation, kind and period.
 */
async function sendDueReminders(sql: Sql, orgs: Orgs, now: Date): Promise<number> {
  const c = {
    org: [] as string[],
    parent: [] as (string | null)[],
    orgKind: [] as string[],
    kind: [] as string[],
    // ISO strings: postgres.js sends an array of Dates with the element's type, not the array's
    start: [] as string[],
    end: [] as string[],
    key: [] as string[],
    title: [] as string[],
  };
  for (const o of orgs) {
    // Each organisation is reminded of the kinds it holds itself (a branch's 党小组会: its groups).
    for (const kind of kindsHeld(o.kind, o.rules)) {
      const rule = o.rules.kinds[kind];
      const w = dueWarning(rule.cadence, rule.noticeDays, now);
      if (!w || rule.cadence === "none") continue;
      // A period that began before the organisation's tracking did is not owed (domain.md).
      if (w.period.start.getTime() < (chinaDate(o.trackingStartedOn)?.getTime() ?? -Infinity)) continue;
      c.org.push(o.id);
      c.parent.push(o.parentId);
      c.orgKind.push(o.kind);
      c.kind.push(kind);
      c.start.push(w.period.start.toISOString());
      c.end.push(w.period.end.toISOString());
      c.key.push(`meeting.due:${o.id}:${kind}:${w.period.key}`);
      c.title.push(dueTitle(o.name, kind, rule.cadence, w));
    }
  }
  if (c.org.length === 0) return 0;

  // The 党小组长 may not schedule (only the branch's managers may), so their link is the group's page.
  const inserted = await sql`
    with c (org_id, parent_id, org_kind, kind, p_start, p_end, key, title) as (
      select * from unnest(${c.org}::uuid[], ${c.parent}::uuid[], ${c.orgKind}::text[], ${c.kind}::text[],
                           ${c.start}::timestamptz[], ${c.end}::timestamptz[], ${c.key}::text[], ${c.title}::text[])
    ), candidates as (
      -- once per organisation, kind and period: a warning already given is not looked at again
      select c.*, c.org_kind = 'group' as is_group from c
      where not exists (select 1 from notifications n where n.dedupe_key = c.key)
    ), unarranged as (
      -- LATERAL … LIMIT 1: one index probe per candidate (meetings_org_idx), never a pass over all
      -- meetings; a plain NOT EXISTS lets the planner hash the whole table.
      select c.* from candidates c
      left join lateral (
        select 1 as hit from meetings m
        where m.org_id = c.org_id and m.kind = c.kind and m.status = 'scheduled'
          and m.starts_at >= c.p_start and m.starts_at < c.p_end
        limit 1) own on true
      left join lateral (
        select 1 as hit from organizations g join meetings m on m.org_id = g.id
        where not c.is_group and g.parent_id = c.org_id and g.kind = 'group'
          and m.kind = c.kind and m.status = 'scheduled' and m.starts_at >= c.p_start and m.starts_at < c.p_end
        limit 1) in_group on true
      where own.hit is null and in_group.hit is null
    ), recipients as (
      select ms.user_id, o.key, o.title,
        case when o.is_group then '/orgs/' || o.org_id
             else '/orgs/' || o.org_id || '/meetings/new?kind=' || o.kind end as link,
        case when o.is_group then 1 else 0 end as rank
      from unarranged o
      join memberships ms on ms.org_id = o.org_id and ms.ended_at is null
      where ms.role = any(case when o.is_group then ${DUE_MEETING_AUDIENCE.own.group as Role[]}::text[]
                               else ${DUE_MEETING_AUDIENCE.own.other as Role[]}::text[] end)
      union all
      select ms.user_id, o.key, o.title, '/orgs/' || o.org_id || '/meetings/new?kind=' || o.kind, 0
      from unarranged o
      join memberships ms on ms.org_id = o.parent_id and ms.ended_at is null
      where o.is_group and ms.role = any(${DUE_MEETING_AUDIENCE.branchOfGroup as Role[]}::text[])
    )
    insert into notifications (user_id, kind, title, link, dedupe_key)
    select distinct on (r.user_id, r.key) r.user_id, 'meeting.due', r.title, r.link, r.key
    from recipients r
    where not exists (select 1 from notifications n where n.user_id = r.user_id and n.dedupe_key = r.key)
    order by r.user_id, r.key, r.rank
    on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing`;
  return inserted.count;
}

export interface ReminderRun {
  /** meeting.reminder notifications created. */
  meetings: number;
  /** meeting.due notifications created. */
  due: number;
}

/** Sends whatever reminders are due at `now`; safe to run at any time, as often and on as many nodes as wanted. */
export async function sendReminders(sql: Sql, now = new Date()): Promise<ReminderRun> {
  const orgs = await organisationsWithRules(sql);
  const meetings = await sendMeetingReminders(sql, orgs, now);
  const due = await sendDueReminders(sql, orgs, now);
  return { meetings, due };
}

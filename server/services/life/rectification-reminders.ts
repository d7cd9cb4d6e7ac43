import type { Sql } from "../../../db/client";
import type { Role } from "../../../shared/domain/labels";
import { RECTIFICATION_CONFIRMERS } from "../../../shared/permissions";
import { REMIND_DAYS } from "../../../shared/schemas/rectification";
import { chinaDateKey } from "../../../shared/time";

// Reminders of 整改清单 items, sent beside the meeting reminders (server/app.ts, every 10 minutes
// on every node): rectification.due once the deadline is within the branch's remind days
// (rectification_settings, default 7), rectification.overdue once the deadline has passed. To the
// owner, or for an item the branch owns, to its 书记 and 副书记 (RECTIFICATION_CONFIRMERS). Only
// unfinished items (open or returned; a reported one waits for the 书记, who has it as a to-do).
// Each carries a dedupe key per item and deadline, unique per person (migration 004): a second
// run, or two nodes at once, send nothing twice; a deadline moved later is reminded of again.
// One statement for all branches.

export interface RectificationReminderRun {
  due: number;
  overdue: number;
}

export async function sendRectificationReminders(sql: Sql, now = new Date()): Promise<RectificationReminderRun> {
  const today = chinaDateKey(now);
  const rows = await sql<{ kind: string; n: number }[]>`
    with items as (
      select r.id, r.org_id, r.owner_id, r.problem, r.deadline,
        case when r.deadline < ${today}::date then 'rectification.overdue' else 'rectification.due' end as kind
      from rectification_items r
      left join rectification_settings s on s.org_id = r.org_id
      where r.status in ('open', 'returned')
        and r.deadline - coalesce(s.remind_days, ${REMIND_DAYS.default}) <= ${today}::date
    ), recipients as (
      -- an owner who left the branch is not reminded (the 书记 sees the item as overdue)
      select i.*, i.owner_id as user_id from items i
      where i.owner_id is not null and exists (
        select 1 from memberships ms where ms.user_id = i.owner_id and ms.ended_at is null
          and ms.org_id in (select id from organizations where id = i.org_id or parent_id = i.org_id))
      union all
      select i.*, ms.user_id from items i
      join memberships ms on ms.org_id = i.org_id and ms.ended_at is null
        and ms.role = any(${RECTIFICATION_CONFIRMERS as Role[]}::text[])
      where i.owner_id is null
    ), sent as (
      insert into notifications (user_id, kind, title, link, dedupe_key)
      select distinct on (r.user_id, r.id) r.user_id, r.kind,
        case when r.kind = 'rectification.overdue'
          then '整改事项已逾期：「' || left(r.problem, 20) || '」时限为 ' || to_char(r.deadline, 'YYYY-MM-DD')
          else '整改事项临近时限：「' || left(r.problem, 20) || '」请在 ' || to_char(r.deadline, 'YYYY-MM-DD') || ' 前完成'
        end,
        '/orgs/' || r.org_id || '/rectification#item-' || r.id,
        r.kind || ':' || r.id || ':' || to_char(r.deadline, 'YYYY-MM-DD')
      from recipients r
      order by r.user_id, r.id
      on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing
      returning kind
    )
    select kind, count(*)::int as n from sent group by kind`;
  const count = (k: string) => rows.find((r) => r.kind === k)?.n ?? 0;
  return { due: count("rectification.due"), overdue: count("rectification.overdue") };
}

import type { Sql } from "../../db/client";

/** What happened, in the audit log's own vocabulary (labels in app/lib/audit-labels.ts). */
export type AuditAction =
  | "member.view"
  | "member.list"
  | "member.export"
  | "member.create"
  | "member.update"
  | "member.import"
  | "membership.add"
  | "membership.role"
  | "membership.move"
  | "membership.end"
  | "invitation.create"
  | "invitation.accept"
  | "org.create"
  | "org.rename"
  | "org.move"
  | "audit.view"
  | "account.password"
  | "account.sessions"
  | "account.reset"
  | "attendance.correct"
  | "org.settings"
  | "org.tracking"
  | "plan.confirm"
  | "series.create"
  | "series.cancel"
  | "minutes.editor_added"
  | "minutes.editor_removed"
  | "record.signed"
  | "record.sealed"
  | "problem.create"
  | "rectification.create"
  | "rectification.edit"
  | "rectification.report"
  | "rectification.confirm"
  | "rectification.return"
  | "rectification.settings"
  | "review.open"
  | "review.close"
  | "review.outcome"
  | "review.report"
  | "review.results_view"
  | "opinion.enter"
  | "opinion.sort"
  | "opinion.pass"
  | "opinion.view_senders"
  | "opinion.view_above"
  | "talk.record"
  | "talk.read"
  | "talk.settings"
  | "examination.view"
  | "examination.submit"
  | "examination.return"
  | "examination.accept"
  | "examination.settings"
  | "criticism.read"
  | "life.access_asked"
  | "life.access_ended"
  | "life.minutes_view"
  | "life.study_linked"
  | "life.study_unlinked"
  | "life.study_recorded"
  | "life.report_plan"
  | "life.report_outcome"
  | "life.attend_above";

export interface AuditEntry {
  actorId: string | null;
  action: AuditAction;
  /** The organisation whose managers may see this entry. */
  orgId: string | null;
  subjectUserId?: string | null;
  detail?: Record<string, unknown>;
  address?: string | null;
}

/** Who did what, where and from which address. Runs inside the caller's transaction when given one. */
export async function audit(sql: Sql, e: AuditEntry) {
  await sql`
    insert into audit_log (actor_id, action, org_id, subject_user_id, detail, address)
    values (${e.actorId}, ${e.action}, ${e.orgId}, ${e.subjectUserId ?? null},
            ${sql.json((e.detail ?? {}) as never)}, ${e.address ?? null})`;
}

export interface AuditRow {
  id: string;
  at: Date;
  action: AuditAction;
  actorName: string | null;
  orgName: string | null;
  subjectName: string | null;
  subjectUserId: string | null;
  detail: Record<string, unknown>;
  address: string | null;
}

/** Entries in the organisation's subtree, newest first, paged by id. */
export async function listAudit(
  sql: Sql,
  orgId: string,
  opts: { before?: string; limit?: number; action?: string } = {},
): Promise<AuditRow[]> {
  const limit = Math.min(opts.limit ?? 50, 200);
  const before = opts.before && /^\d+$/.test(opts.before) ? opts.before : null;
  return sql<AuditRow[]>`
    with recursive down as (
      select id from organizations where id = ${orgId}
      union
      select o.id from organizations o join down on o.parent_id = down.id
    )
    select a.id::text as id, a.at, a.action, actor.display_name as "actorName", o.name as "orgName",
           s.display_name as "subjectName", a.subject_user_id as "subjectUserId", a.detail, a.address
    from audit_log a
    left join users actor on actor.id = a.actor_id
    left join users s on s.id = a.subject_user_id
    left join organizations o on o.id = a.org_id
    where a.org_id in (select id from down)
      ${before ? sql`and a.id < ${before}` : sql``}
      ${opts.action ? sql`and a.action like ${opts.action.replace(/[%_]/g, "") + "%"}` : sql``}
    order by a.id desc limit ${limit}`;
}

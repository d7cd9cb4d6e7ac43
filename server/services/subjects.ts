import type { Sql } from "../../db/client";
import type { Subject } from "../../shared/permissions";
import type { Role } from "../../shared/domain/labels";

/** Ids from the root down to orgId, for each of the given organisations. */
export async function orgPaths(sql: Sql, orgIds: string[]): Promise<Map<string, string[]>> {
  if (orgIds.length === 0) return new Map();
  const rows = await sql<{ start_id: string; path: string[] }[]>`
    with recursive up as (
      select id as start_id, id, parent_id, array[id] as path from organizations where id = any(${orgIds})
      union all
      select up.start_id, o.id, o.parent_id, o.id || up.path
      from organizations o join up on o.id = up.parent_id
    )
    select start_id, path from up where parent_id is null`;
  return new Map(rows.map((r) => [r.start_id, r.path]));
}

/** Everything the permission module needs to know about a user: their active memberships. */
export async function loadSubject(sql: Sql, userId: string): Promise<Subject> {
  const rows = await sql<{ org_id: string; role: Role }[]>`
    select org_id, role from memberships where user_id = ${userId} and ended_at is null`;
  const paths = await orgPaths(sql, [...new Set(rows.map((r) => r.org_id))]);
  return {
    userId,
    memberships: rows.map((r) => ({ orgId: r.org_id, role: r.role, orgPath: paths.get(r.org_id) ?? [r.org_id] })),
  };
}

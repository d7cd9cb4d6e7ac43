import type { Sql } from "../../../db/client";
import type { OrgResource, Subject } from "../../../shared/permissions";
import type { OrgKind, Role } from "../../../shared/domain/labels";

export interface OrgChain {
  /** Ids from the root down to the organisation. */
  path: string[];
  /** Kinds along the same path. */
  kinds: OrgKind[];
  /** Names along the same path (for breadcrumbs). */
  names: string[];
}

/** The chain from the root down to each of the given organisations. */
export async function orgChains(sql: Sql, orgIds: string[]): Promise<Map<string, OrgChain>> {
  if (orgIds.length === 0) return new Map();
  const rows = await sql<{ start_id: string; path: string[]; kinds: OrgKind[]; names: string[] }[]>`
    with recursive up as (
      select id as start_id, id, parent_id, array[id] as path, array[kind] as kinds, array[name] as names
      from organizations where id = any(${orgIds})
      union all
      select up.start_id, o.id, o.parent_id, o.id || up.path, o.kind || up.kinds, o.name || up.names
      from organizations o join up on o.id = up.parent_id
      -- a damaged tree with a cycle must not loop forever
      where array_length(up.path, 1) < 64
    )
    select start_id, path, kinds, names from up where parent_id is null`;
  return new Map(rows.map((r) => [r.start_id, { path: r.path, kinds: r.kinds, names: r.names }]));
}

/** Ids from the root down to orgId, for each of the given organisations. */
export async function orgPaths(sql: Sql, orgIds: string[]): Promise<Map<string, string[]>> {
  const chains = await orgChains(sql, orgIds);
  return new Map([...chains].map(([id, c]) => [id, c.path]));
}

/** The nearest 党支部 at or above the end of a chain. */
export function branchOf(chain: Pick<OrgChain, "path" | "kinds">): string | null {
  for (let i = chain.path.length - 1; i >= 0; i--) if (chain.kinds[i] === "branch") return chain.path[i];
  return null;
}

export function orgResource(id: string, chain: OrgChain): OrgResource {
  return { id, kind: chain.kinds[chain.kinds.length - 1], path: chain.path };
}

/** Everything the permission module needs to know about a user: their live memberships. */
export async function loadSubject(sql: Sql, userId: string): Promise<Subject> {
  const rows = await sql<{ org_id: string; role: Role }[]>`
    select org_id, role from memberships where user_id = ${userId} and ended_at is null`;
  const chains = await orgChains(sql, [...new Set(rows.map((r) => r.org_id))]);
  return {
    userId,
    memberships: rows.flatMap((r) => {
      const c = chains.get(r.org_id);
      if (!c) return [];
      return [
        { orgId: r.org_id, orgKind: c.kinds[c.kinds.length - 1], role: r.role, orgPath: c.path, branchId: branchOf(c) },
      ];
    }),
  };
}

/** The subjects of several people at once (two queries whatever their number). */
export async function loadSubjects(sql: Sql, userIds: string[]): Promise<Subject[]> {
  if (userIds.length === 0) return [];
  const rows = await sql<{ user_id: string; org_id: string; role: Role }[]>`
    select user_id, org_id, role from memberships where user_id = any(${userIds}) and ended_at is null`;
  const chains = await orgChains(sql, [...new Set(rows.map((r) => r.org_id))]);
  return userIds.map((userId) => ({
    userId,
    memberships: rows.flatMap((r) => {
      const c = r.user_id === userId ? chains.get(r.org_id) : undefined;
      if (!c) return [];
      return [
        { orgId: r.org_id, orgKind: c.kinds[c.kinds.length - 1], role: r.role, orgPath: c.path, branchId: branchOf(c) },
      ];
    }),
  }));
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSubmit } from "@remix-run/react";
import { useRef } from "react";
import { z } from "zod";
import { audit } from "../../server/services/audit";
import { listMembers } from "../../server/services/people/members";
import { getOrgFor, orgTree } from "../../server/services/people/orgs";
import { CATEGORIES, CATEGORY_LABEL, ROLE_LABEL, ROLES } from "../../shared/domain/labels";
import { canManage } from "../../shared/permissions";
import { AppShell } from "../components/app-shell";
import { ChevronRightIcon, PlusIcon, SearchIcon, UploadIcon } from "../components/icons";
import { CategoryTag, Crumbs, OrgOptions } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `成员名册 · ${data.org.name} · 同心` : "同心" },
];

// Unknown filter values are dropped rather than refused: a stale bookmark still opens the list.
const FiltersSchema = z.object({
  q: z.string().max(40).optional().catch(undefined),
  category: z.enum(CATEGORIES).optional().catch(undefined),
  within: z.string().uuid().optional().catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  status: z.enum(["active", "invited", "ended", "mobile"]).optional().catch(undefined),
});

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const found = await getOrgFor(sql, actor.subject, params.orgId ?? "");
  if (!found) notFound();
  const { org, access } = found;
  const manage = canManage(access);
  const filters = FiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  // History and activation state are for those who manage the roster.
  if (!manage && (filters.status === "ended" || filters.status === "invited")) filters.status = undefined;
  const [members, tree] = await Promise.all([listMembers(sql, org.id, filters), orgTree(sql, org.id)]);
  await audit(sql, {
    actorId: user.id,
    action: "member.list",
    orgId: org.id,
    detail: { filters, count: members.length },
    address: context.clientAddress,
  });
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name },
    manage,
    filters,
    within: tree.slice(1).map((n) => ({ id: n.id, name: n.name, depth: n.depth })),
    members: members.map((m) => ({
      id: m.id,
      displayName: m.displayName,
      // The sign-in name (often a phone number) is shown to those who manage the roster only.
      username: manage ? m.username : null,
      category: m.category,
      activated: m.activated,
      votes: m.votes,
      memberships: m.memberships,
      endedAt: m.endedAt,
    })),
  };
}

export default function Members() {
  const { userName, org, manage, filters, within, members } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const typing = useRef<number>(undefined);
  const base = `/orgs/${org.id}`;
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: base, label: org.name }} />
      <section className="page-head--actions">
        <div className="page-head">
          <h1 className="h1">成员名册</h1>
          <p className="page-head__sub muted" data-testid="member-count">
            {filters.status === "ended" ? "历史成员" : "共"} {members.length} 人
          </p>
        </div>
        {manage ? (
          <div className="actions">
            <Link to={`${base}/members/new`} className="btn btn--primary btn--small">
              <PlusIcon size={16} /> 添加
            </Link>
            <Link to={`${base}/import`} className="btn btn--small">
              <UploadIcon size={16} /> 导入
            </Link>
          </div>
        ) : null}
      </section>

      <Form
        method="get"
        className="filters"
        role="search"
        onChange={(e) => {
          // Selects apply at once; typing waits for a pause, so one search is one request (and one audit entry).
          const form = e.currentTarget;
          window.clearTimeout(typing.current);
          if ((e.target as HTMLElement).tagName === "INPUT")
            typing.current = window.setTimeout(() => submit(form, { replace: true }), 400);
          else submit(form, { replace: true });
        }}
      >
        <label className="search">
          <SearchIcon size={18} />
          <span className="sr-only">搜索</span>
          <input
            className="input"
            type="search"
            name="q"
            defaultValue={filters.q}
            placeholder={manage ? "姓名或手机号" : "姓名"}
          />
        </label>
        <div className="filters__row">
          <select className="select" name="category" defaultValue={filters.category ?? ""} aria-label="人员类别">
            <option value="">全部类别</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABEL[c]}
              </option>
            ))}
          </select>
          {within.length > 0 ? (
            <select className="select" name="within" defaultValue={filters.within ?? ""} aria-label="所在组织">
              <option value="">全部小组</option>
              <OrgOptions orgs={within} indentFrom={1} />
            </select>
          ) : null}
          <select className="select" name="role" defaultValue={filters.role ?? ""} aria-label="职务">
            <option value="">全部职务</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
          <select className="select" name="status" defaultValue={filters.status ?? ""} aria-label="状态">
            <option value="">在册成员</option>
            <option value="mobile">流动党员</option>
            {manage ? <option value="invited">未激活</option> : null}
            {manage ? <option value="ended">历史成员</option> : null}
          </select>
        </div>
        <noscript>
          <button className="btn btn--small" type="submit">
            筛选
          </button>
        </noscript>
      </Form>

      {members.length === 0 ? (
        <div className="card empty">
          <p className="h3">没有符合条件的成员</p>
          <p className="muted">换个条件试试。</p>
        </div>
      ) : (
        <ul className="list" data-testid="member-list">
          {members.map((m) => (
            <li key={m.id}>
              <Link to={`/members/${m.id}`} className="row">
                <span className="avatar" aria-hidden="true">
                  {m.displayName.slice(-2)}
                </span>
                <div className="row__main">
                  <span className="row__title">
                    {m.displayName}
                    <CategoryTag category={m.category} />
                    {manage && !m.activated ? <span className="tag tag--muted">未激活</span> : null}
                    {!m.votes && m.memberships.length > 0 ? (
                      <span className="tag tag--outline" title="无表决权">
                        无表决权
                      </span>
                    ) : null}
                  </span>
                  <span className="row__sub">
                    {m.memberships.length > 0
                      ? m.memberships
                          .map((x) => `${x.orgName} ${ROLE_LABEL[x.role]}${x.mobile ? "（流动）" : ""}`)
                          .join("；")
                      : "已结束组织关系"}
                    {m.username ? <span className="nowrap"> · {m.username}</span> : null}
                  </span>
                </div>
                <ChevronRightIcon size={18} className="row__end" />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </AppShell>
  );
}

import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSubmit } from "@remix-run/react";
import { audit, listAudit } from "../../server/services/audit";
import { getOrgFor } from "../../server/services/people/orgs";
import { auditAccess, canRead } from "../../shared/permissions";
import { AppShell } from "../components/app-shell";
import { Crumbs } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { AUDIT_LABEL, describeAudit } from "../lib/audit-labels";
import { formatDate, formatTime } from "../lib/format";
import auditCss from "../styles/audit.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: auditCss }];

export const meta: MetaFunction = () => [{ title: "审计日志 · 同心" }];

const GROUPS = [
  { value: "", label: "全部操作" },
  { value: "member.", label: "成员信息" },
  { value: "membership.", label: "组织关系" },
  { value: "invitation.", label: "邀请" },
  { value: "org.", label: "组织架构" },
  { value: "account.", label: "账号安全" },
  { value: "audit.", label: "查看日志" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const found = await getOrgFor(sql, actor.subject, params.orgId ?? "");
  if (!found || !canRead(auditAccess(actor.subject, found.org.resource))) notFound();
  const url = new URL(request.url);
  const action = GROUPS.find((g) => g.value === url.searchParams.get("action"))?.value ?? "";
  const before = url.searchParams.get("before") ?? undefined;
  const entries = await listAudit(sql, found.org.id, { before, action, limit: 50 });
  await audit(sql, {
    actorId: user.id,
    action: "audit.view",
    orgId: found.org.id,
    address: context.clientAddress,
  });
  return { userName: user.displayName, org: { id: found.org.id, name: found.org.name }, entries, action };
}

export default function AuditLog() {
  const { userName, org, entries, action } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const last = entries.at(-1);
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <section className="page-head">
        <h1 className="h1">审计日志</h1>
        <p className="page-head__sub muted">谁在何时、从哪里查看或修改了本组织及下级组织的成员信息。</p>
      </section>
      <Form method="get" onChange={(e) => submit(e.currentTarget, { replace: true })}>
        <select className="select" name="action" defaultValue={action} aria-label="操作类型">
          {GROUPS.map((g) => (
            <option key={g.value} value={g.value}>
              {g.label}
            </option>
          ))}
        </select>
      </Form>
      {entries.length === 0 ? (
        <div className="card empty">
          <p className="h3">暂无记录</p>
        </div>
      ) : (
        <ul className="list" data-testid="audit-list">
          {entries.map((e) => (
            <li key={e.id} className="row">
              <div className="row__main">
                <span className="row__title audit__title">
                  {e.actorName ?? "系统"} · {AUDIT_LABEL[e.action] ?? e.action}
                  {e.subjectName ? <span className="muted">：{e.subjectName}</span> : null}
                </span>
                <span className="row__sub">
                  {formatDate(e.at)} {formatTime(e.at)}
                  {e.orgName ? ` · ${e.orgName}` : ""}
                  {e.address ? <span className="nowrap"> · {e.address}</span> : null}
                </span>
                {describeAudit(e.detail) ? <span className="row__sub">{describeAudit(e.detail)}</span> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      {entries.length === 50 && last ? (
        <Link className="btn" to={`?${new URLSearchParams({ action, before: last.id })}`}>
          更早的记录
        </Link>
      ) : null}
    </AppShell>
  );
}

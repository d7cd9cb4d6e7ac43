import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getOrgFor, orgSummary } from "../../server/services/people/orgs";
import { upcomingForOrg } from "../../server/services/calendar/meeting-detail";
import { CATEGORIES, CATEGORY_LABEL, MEETING_KIND_LABEL, ORG_KIND_LABEL, ROLE_LABEL } from "../../shared/domain/labels";
import {
  auditAccess,
  canManage,
  canRead,
  leaderTitle,
  meetingAccess,
  rectificationListAccess,
  scheduleAccess,
} from "../../shared/permissions";
import { AppShell } from "../components/app-shell";
import { Stat } from "../components/stat";
import {
  ChevronRightIcon,
  PlusIcon,
  ShieldIcon,
  UploadIcon,
  UsersIcon,
  ClockIcon,
  FlagIcon,
} from "../components/icons";
import { Crumbs } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { formatDate, formatTime } from "../lib/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.org.name} · 同心` : "同心" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const found = await getOrgFor(sql, actor.subject, params.orgId ?? "");
  if (!found) notFound();
  const { org, access } = found;
  const summary = await orgSummary(sql, org.id);
  // The organisation's own meetings, for those who may see them (not every reader of a group's home may).
  const seesMeetings = meetingAccess(actor.subject, { id: "", orgId: org.id, orgKind: org.kind, orgPath: org.path });
  const meetings = seesMeetings === "none" ? [] : await upcomingForOrg(sql, org.id, 5);
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind, pathNames: org.pathNames, parentId: org.parentId },
    summary,
    manage: canManage(access),
    schedules: canManage(scheduleAccess(actor.subject, org.resource)),
    meetings,
    audit: canRead(auditAccess(actor.subject, org.resource)),
    rectification: canRead(rectificationListAccess(actor.subject, org.resource)),
  };
}

export default function OrgHome() {
  const { userName, org, summary, manage, schedules, audit, meetings, rectification } = useLoaderData<typeof loader>();
  const base = `/orgs/${org.id}`;
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: "/orgs", label: "组织" }} trail={org.pathNames.slice(0, -1)} />
      <section className="page-head">
        <span className="tag">{ORG_KIND_LABEL[org.kind]}</span>
        <h1 className="h1">{org.name}</h1>
        <p className="page-head__sub muted">
          共 {summary.total} 人 · 有表决权 {summary.voting} 人{summary.mobile ? ` · 流动党员 ${summary.mobile} 人` : ""}
        </p>
      </section>

      <div className="stats" data-testid="category-counts">
        {CATEGORIES.map((c) => (
          <Stat key={c} to={`${base}/members?category=${c}`} value={summary.counts[c]} label={CATEGORY_LABEL[c]} />
        ))}
      </div>

      <div className="actions actions--grid">
        <Link to={`${base}/members`} className="btn btn--primary">
          <UsersIcon size={18} /> 成员名册
        </Link>
        {manage ? (
          <>
            <Link to={`${base}/members/new`} className="btn">
              <PlusIcon size={18} /> 添加成员
            </Link>
            <Link to={`${base}/import`} className="btn">
              <UploadIcon size={18} /> 批量导入
            </Link>
          </>
        ) : null}
        {manage ? (
          <Link to={`${base}/compliance`} className="btn btn--ghost">
            <ClockIcon size={18} /> 组织生活提醒
          </Link>
        ) : null}
        {rectification ? (
          <Link to={`${base}/rectification`} className="btn btn--ghost">
            <FlagIcon size={18} /> 整改清单
          </Link>
        ) : null}
        {manage && (org.kind === "committee" || org.kind === "general_branch") ? (
          <Link to={`${base}/overview`} className="btn btn--ghost">
            下级支部概览
          </Link>
        ) : null}
        {manage && org.kind !== "group" ? (
          <Link to={`${base}/settings`} className="btn btn--ghost">
            组织生活规则
          </Link>
        ) : null}
        {audit ? (
          <Link to={`${base}/audit`} className="btn btn--ghost">
            <ShieldIcon size={18} /> 审计日志
          </Link>
        ) : null}
      </div>
      {manage && summary.pendingInvites > 0 ? (
        <p className="alert">
          有 {summary.pendingInvites} 人尚未激活账号。
          <Link to={`${base}/members?status=invited`}>查看并重新发送邀请</Link>
        </p>
      ) : null}

      {schedules || meetings.length > 0 ? (
        <section className="section" aria-labelledby="meetings-heading">
          <div className="section__head">
            <h2 className="h2" id="meetings-heading">
              近期会议
            </h2>
            <span className="actions">
              <Link to={`${base}/calendar`} className="btn btn--small btn--ghost">
                支部日历
              </Link>
              {schedules && (org.kind === "branch" || org.kind === "group") ? (
                <Link to={`${base}/plan`} className="btn btn--small">
                  年度计划
                </Link>
              ) : null}
              {schedules ? (
                <Link to={`${base}/meetings/new`} className="btn btn--small btn--primary">
                  <PlusIcon size={16} /> 安排会议
                </Link>
              ) : null}
            </span>
          </div>
          {meetings.length === 0 ? (
            <p className="muted">近期没有安排会议。</p>
          ) : (
            <ul className="list" data-testid="org-meetings">
              {meetings.map((m) => (
                <li key={m.id}>
                  <Link to={`/meetings/${m.id}`} className="row">
                    <div className="row__main">
                      <span className="row__title">
                        {m.title}
                        {m.status === "cancelled" ? <span className="tag tag--muted">已取消</span> : null}
                      </span>
                      <span className="row__sub">
                        {MEETING_KIND_LABEL[m.kind]} · {formatDate(m.startsAt)} {formatTime(m.startsAt)}
                      </span>
                    </div>
                    <ChevronRightIcon size={18} className="row__end" />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      <section className="section" aria-labelledby="committee-heading">
        <h2 className="h2" id="committee-heading">
          {org.kind === "group" ? leaderTitle(org.kind) : org.kind === "branch" ? "支部委员会" : "委员"}
        </h2>
        {summary.committee.length === 0 ? (
          <p className="muted">尚未设置。</p>
        ) : (
          <ul className="list">
            {summary.committee.map((c) => (
              <li key={c.userId + c.role}>
                <Link to={`/members/${c.userId}`} className="row">
                  <span className="avatar" aria-hidden="true">
                    {c.displayName.slice(-2)}
                  </span>
                  <div className="row__main">
                    <span className="row__title">{c.displayName}</span>
                    <span className="row__sub">{ROLE_LABEL[c.role]}</span>
                  </div>
                  <ChevronRightIcon size={18} className="row__end" />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      {summary.children.length > 0 ? (
        <section className="section" aria-labelledby="children-heading">
          <h2 className="h2" id="children-heading">
            {org.kind === "branch" ? "党小组" : "下级组织"}
          </h2>
          <ul className="list">
            {summary.children.map((c) => (
              <li key={c.id}>
                <Link to={`/orgs/${c.id}`} className="row">
                  <div className="row__main">
                    <span className="row__title">{c.name}</span>
                    <span className="row__sub">
                      {ORG_KIND_LABEL[c.kind]} · {c.memberCount} 人
                      {c.leaders.length ? ` · ${c.leaders.join("、")}` : ""}
                    </span>
                  </div>
                  <ChevronRightIcon size={18} className="row__end" />
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </AppShell>
  );
}

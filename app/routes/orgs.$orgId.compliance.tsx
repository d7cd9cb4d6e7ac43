import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { complianceReport } from "../../server/services/oversight/compliance";
import { chinaParts, dateInWords } from "../../shared/time";
import { lifeReportsBelow } from "../../server/services/life/reports";
import { LifeReportsList } from "../components/life-reports-list";
import { lifeCycleStyles } from "../components/life-cycle-panel";
import { periodLabel } from "../../shared/domain/periods";
import { MEETING_KIND_LABEL, ownOrgWord } from "../../shared/domain/labels";
import { AppShell } from "../components/app-shell";
import { Crumbs } from "../components/people";
import { formatDate } from "../lib/format";
import { managedOrg } from "../lib/org-access.server";

export const meta: MetaFunction = () => [{ title: "组织生活提醒 · 同心" }];
export const links: LinksFunction = () => [...lifeCycleStyles];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await managedOrg(context, request, params.orgId, "查看组织生活提醒");
  const report = await complianceReport(context.services.sql, org);
  // A 民主生活会 reports upward within 15 days (decision 036): the organisation's own, this year.
  const lifeReports = (
    await lifeReportsBelow(context.services.sql, org.id, chinaParts(report.year.period.start).year)
  ).filter((r) => r.orgId === org.id);
  return {
    lifeReports,
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind },
    ...report,
    quarterLabel: periodLabel(report.quarter.period),
    yearLabel: periodLabel(report.year.period),
  };
}

type Kinds = ReturnType<typeof useLoaderData<typeof loader>>["year"]["kinds"];

function KindTable({ kinds, testId }: { kinds: Kinds; testId: string }) {
  const shown = kinds.filter((k) => k.required > 0 || k.held > 0 || k.scheduled > 0);
  if (shown.length === 0)
    return (
      <p className="muted" data-testid={testId}>
        这一期间还没有需要召开的会议。
      </p>
    );
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>形式</th>
            <th>应开</th>
            <th>已开</th>
            <th>已安排</th>
            <th>尚缺</th>
            <th>最近到期</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((k) => (
            <tr key={k.kind}>
              <td>{MEETING_KIND_LABEL[k.kind]}</td>
              <td className="num">{k.required}</td>
              <td className="num">{k.held}</td>
              <td className="num">{k.scheduled}</td>
              <td className={k.overdue > 0 ? "num text-danger" : "num"}>
                {k.missing}
                {k.overdue > 0 ? `（逾期 ${k.overdue}）` : ""}
              </td>
              <td>{k.nextDue ? formatDate(k.nextDue) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Compliance() {
  const data = useLoaderData<typeof loader>();
  const { org } = data;
  return (
    <AppShell userName={data.userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <section className="page-head">
        <h1 className="h1">组织生活提醒</h1>
        <p className="page-head__sub muted">
          按{ownOrgWord(org.kind)}的规定（{data.settings.absenceAlertCount} 次缺席提醒谈心，
          {data.settings.lapseWarningDays} 天未参加组织生活预警），帮助书记按时安排、及时跟进。只做提醒，不做排名。
          {org.kind === "committee" || org.kind === "general_branch" ? (
            <>
              这里是{ownOrgWord(org.kind)}自己召开的会议；下级支部的情况见
              <Link to={`/orgs/${org.id}/overview`}>下级支部概览</Link>。
            </>
          ) : null}
        </p>
        <p className="page-head__sub muted" data-testid="tracking-since">
          自 {dateInWords(data.trackingStartedOn)} 起统计：此前开始的周期不计入应开次数。
          <Link to={`/orgs/${org.id}/settings#tracking`}>调整开始统计日期</Link>
        </p>
      </section>

      <section className="section" aria-labelledby="q-heading">
        <h2 className="h2" id="q-heading">
          {data.quarterLabel}
        </h2>
        <KindTable kinds={data.quarter.kinds} testId="quarter-table" />
      </section>
      <section className="section" aria-labelledby="y-heading">
        <h2 className="h2" id="y-heading">
          {data.yearLabel}
        </h2>
        <KindTable kinds={data.year.kinds} testId="year-table" />
      </section>

      <section className="section" aria-labelledby="minutes-heading">
        <h2 className="h2" id="minutes-heading">
          待补会议记录
        </h2>
        {data.withoutMinutes.length === 0 ? (
          <p className="muted">已召开的会议都有记录。</p>
        ) : (
          <ul className="list">
            {data.withoutMinutes.map((m) => (
              <li key={m.id}>
                <Link to={`/meetings/${m.id}`} className="row">
                  <div className="row__main">
                    <span className="row__title">{m.title}</span>
                    <span className={m.overdue ? "row__sub text-danger" : "row__sub"}>
                      {MEETING_KIND_LABEL[m.kind]} · {formatDate(m.startsAt)} · 应于 {formatDate(m.dueOn)} 前完成
                    </span>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="section" aria-labelledby="absence-heading">
        <h2 className="h2" id="absence-heading">
          多次缺席，需谈心谈话
        </h2>
        {data.absences.length === 0 ? (
          <p className="muted">近一年没有成员无故缺席 {data.settings.absenceAlertCount} 次及以上。</p>
        ) : (
          <ul className="list" data-testid="absences">
            {data.absences.map((a) => (
              <li key={a.userId}>
                <Link to={`/members/${a.userId}`} className="row">
                  <div className="row__main">
                    <span className="row__title">{a.name}</span>
                    <span className="row__sub">
                      近一年无故缺席 {a.count} 次：{a.dates.map((d) => formatDate(d)).join("、")}
                    </span>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="section" aria-labelledby="lapse-heading">
        <h2 className="h2" id="lapse-heading">
          长期未参加组织生活预警
        </h2>
        {data.lapses.length === 0 ? (
          <p className="muted">没有成员超过 {data.settings.lapseWarningDays} 天未参加组织生活。</p>
        ) : (
          <ul className="list" data-testid="lapses">
            {data.lapses.map((l) => (
              <li key={l.userId}>
                <Link to={`/members/${l.userId}`} className="row">
                  <div className="row__main">
                    <span className="row__title">{l.name}</span>
                    <span className={l.lapsed ? "row__sub text-danger" : "row__sub"}>
                      {l.lastLife ? `上次参加：${formatDate(l.lastLife)}` : "没有参加记录"}
                      {l.daysSince !== null ? `，已 ${l.daysSince} 天` : ""}
                      {l.lapsesOn ? (l.lapsed ? "，已满六个月" : `，${formatDate(l.lapsesOn)} 满六个月`) : ""}
                    </span>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      {data.lifeReports.length ? <LifeReportsList rows={data.lifeReports} /> : null}
    </AppShell>
  );
}

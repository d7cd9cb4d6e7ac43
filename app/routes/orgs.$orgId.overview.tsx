import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { leadersDualLife, oversight, type BranchOversight } from "../../server/services/oversight/oversight";
import { chinaDateKey, chinaParts, dateInWords } from "../../shared/time";
import { lifeReportsBelow } from "../../server/services/life/reports";
import { LifeReportsList } from "../components/life-reports-list";
import { periodLabel } from "../../shared/domain/periods";
import {
  MEETING_KIND_LABEL,
  ORG_KIND_LABEL,
  ROLE_LABEL,
  type MeetingKind,
  type OrgKind,
} from "../../shared/domain/labels";
import { AppShell } from "../components/app-shell";
import { Stat } from "../components/stat";
import { ChevronRightIcon } from "../components/icons";
import { Crumbs } from "../components/people";
import { formatDate } from "../lib/format";
import { AttendanceTrend, MeetingsTrend, monthLabel, percent } from "../components/trend-chart";
import { managedOrg } from "../lib/org-access.server";
import overviewCss from "../styles/overview.css?url";
import { lifeCycleStyles } from "../components/life-cycle-panel";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: overviewCss }, ...lifeCycleStyles];

// The 党委 / 党总支 overview: every branch below with its organisational life this quarter and
// this year, and month-by-month charts. Branches in tree order (by name under each 党总支), with
// a filter for those needing follow-up; never sorted or scored by a figure.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `下级支部概览 · ${data.org.name} · 同心` : "同心" },
];

interface Row {
  id: string;
  name: string;
  quarter: { held: number; required: number; overdue: number };
  year: { held: number; required: number; overdue: number };
  /** This year's overdue meetings by kind. */
  overdueKinds: { kind: MeetingKind; overdue: number }[];
  minutes: { missing: number; overdue: number };
  rate: number | null;
  lacking: boolean;
  /** The branch's 整改清单: items not closed, and past their deadline. */
  rectification: { open: number; overdue: number };
  /** 「2026年12月7日」 when the branch's obligations are counted from a day this year; else null. */
  since: string | null;
}

interface Section {
  /** The 党总支 (or chain of organisations) the branches sit under; null for those directly below. */
  under: { id: string; name: string; kind: OrgKind } | null;
  trail: string[];
  /** All its branches, and those with something lacking (whatever the filter and the page). */
  total: number;
  lacking: number;
  rows: Row[];
}

/** Branches per page: a 党委 of a thousand branches pages through them in tree order. */
const PAGE_SIZE = 100;

function toRow(b: BranchOversight, yearStart: string): Row {
  return {
    since: b.trackingStartedOn > yearStart ? dateInWords(b.trackingStartedOn) : null,
    id: b.id,
    name: b.name,
    quarter: { held: b.quarter.held, required: b.quarter.required, overdue: b.quarter.overdue },
    year: { held: b.year.held, required: b.year.required, overdue: b.year.overdue },
    overdueKinds: b.year.kinds.filter((k) => k.overdue > 0).map((k) => ({ kind: k.kind, overdue: k.overdue })),
    minutes: b.minutes,
    rate: b.attendance.rate,
    lacking: b.lacking,
    rectification: b.rectification,
  };
}

/**
 * Only what the page shows: the page's branches (after the filter), in tree order, grouped by
 * the organisation they sit under; each group with its counts over all its branches.
 */
function toSections(branches: BranchOversight[], lackingOnly: boolean, page: number, yearStart: string) {
  const key = (b: BranchOversight) => b.trail.map((t) => t.id).join("/");
  const counts = new Map<string, { total: number; lacking: number }>();
  for (const b of branches) {
    const c = counts.get(key(b)) ?? { total: 0, lacking: 0 };
    c.total++;
    if (b.lacking) c.lacking++;
    counts.set(key(b), c);
  }
  const listed = lackingOnly ? branches.filter((b) => b.lacking) : branches;
  const pages = Math.max(1, Math.ceil(listed.length / PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const sections: Section[] = [];
  let last: string | null = null;
  for (const b of listed.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE)) {
    const k = key(b);
    if (k !== last) {
      // a new group (or the same one again at the top of the next page)
      sections.push({ under: b.trail.at(-1) ?? null, trail: b.trail.map((t) => t.name), ...counts.get(k)!, rows: [] });
      last = k;
    }
    sections.at(-1)!.rows.push(toRow(b, yearStart));
  }
  return { sections, listed: listed.length, page: current, pages };
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await managedOrg(context, request, params.orgId, "查看下级支部概览");
  const search = new URL(request.url).searchParams;
  const lackingOnly = search.get("filter") === "lacking";
  const page = Number.parseInt(search.get("page") ?? "1", 10) || 1;
  const view = await oversight(context.services.sql, org);
  const above = org.kind === "committee" || org.kind === "general_branch";
  const leaders = above ? await leadersDualLife(context.services.sql, org) : [];
  // 组织生活会 / 民主生活会 reports of the year below (decision 036).
  const lifeReports = await lifeReportsBelow(context.services.sql, org.id, chinaParts(view.year.start).year);
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind, pathNames: org.pathNames },
    quarterLabel: periodLabel(view.quarter),
    yearLabel: periodLabel(view.year),
    lackingOnly,
    above,
    leaders,
    lifeReports,
    totals: view.totals,
    months: view.months,
    /** Some branches sit under a 党总支: name the group of those directly below. */
    grouped: view.branches.some((b) => b.trail.length > 0),
    ...toSections(view.branches, lackingOnly, page, chinaDateKey(view.year.start)),
  };
}

function Fraction({ held, required, overdue }: Row["quarter"]) {
  return (
    <>
      <span className="ov-frac">
        <b>{held}</b> / {required}
      </span>
      {overdue > 0 ? <span className="ov-late">逾期 {overdue}</span> : null}
    </>
  );
}

function BranchTable({ rows, caption }: { rows: Row[]; caption: string }) {
  return (
    <div className="table-wrap ov-wrap">
      <table className="table ov-table" data-testid="branch-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">党支部</th>
            <th scope="col" className="num">
              本季度
              <span className="ov-th-sub">已开 / 应开</span>
            </th>
            <th scope="col" className="num">
              本年度
              <span className="ov-th-sub">已开 / 应开</span>
            </th>
            <th scope="col" className="num">
              记录未完成
              <span className="ov-th-sub">本年度</span>
            </th>
            <th scope="col" className="num">
              出席率
              <span className="ov-th-sub">本年度</span>
            </th>
            <th scope="col" className="num">
              整改事项
              <span className="ov-th-sub">未销号</span>
            </th>
            <th scope="col">
              <span className="sr-only">链接</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="branch-row" data-lacking={r.lacking ? "" : undefined}>
              <td className="ov-name">
                <Link to={`/orgs/${r.id}/compliance`} className="ov-name__link">
                  {r.name}
                </Link>
                {r.overdueKinds.length > 0 ? (
                  <span className="ov-name__sub text-danger">
                    逾期未开：
                    {r.overdueKinds.map((k) => `${MEETING_KIND_LABEL[k.kind]} ${k.overdue}`).join("、")}
                  </span>
                ) : (
                  <span className="ov-name__sub">本年度应开会议均已按期召开或安排</span>
                )}
                {r.since ? (
                  <span className="ov-name__sub" data-testid="branch-since">
                    自 {r.since} 起统计
                  </span>
                ) : null}
              </td>
              <td className={r.quarter.overdue > 0 ? "num text-danger" : "num"} data-label="本季度 已开/应开">
                <Fraction {...r.quarter} />
              </td>
              <td className={r.year.overdue > 0 ? "num text-danger" : "num"} data-label="本年度 已开/应开">
                <Fraction {...r.year} />
              </td>
              <td className={r.minutes.overdue > 0 ? "num text-danger" : "num"} data-label="记录未完成">
                {r.minutes.missing}
                {r.minutes.overdue > 0 ? <span className="ov-late">逾期 {r.minutes.overdue}</span> : null}
              </td>
              <td className="num" data-label="出席率">
                {percent(r.rate)}
              </td>
              <td
                className={r.rectification.overdue > 0 ? "num text-danger" : "num"}
                data-label="整改事项 未销号"
                data-testid="branch-rectification"
              >
                <Link to={`/orgs/${r.id}/rectification`}>{r.rectification.open}</Link>
                {r.rectification.overdue > 0 ? <span className="ov-late">逾期 {r.rectification.overdue}</span> : null}
              </td>
              <td className="ov-links">
                <Link to={`/orgs/${r.id}`} className="ov-home">
                  支部首页
                  <ChevronRightIcon size={16} />
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PageLink(props: { base: string; lackingOnly: boolean; page: number; pages: number; children: string }) {
  const { base, lackingOnly, page, pages, children } = props;
  if (page < 1 || page > pages)
    return (
      <span className="btn btn--small ov-pager__off" aria-disabled="true">
        {children}
      </span>
    );
  const search = new URLSearchParams();
  if (lackingOnly) search.set("filter", "lacking");
  if (page > 1) search.set("page", String(page));
  const query = search.toString();
  return (
    <Link to={`${base}${query ? `?${query}` : ""}#branches-heading`} className="btn btn--small">
      {children}
    </Link>
  );
}

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const { org, totals, months, sections, lackingOnly, page, pages } = data;
  const base = `/orgs/${org.id}/overview`;
  const thisMonth = months.at(-1);
  const heldInWindow = months.reduce((n, m) => n + m.total, 0);
  return (
    <AppShell userName={data.userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <section className="page-head ov-head">
        <span className="eyebrow">{ORG_KIND_LABEL[org.kind]} · 下级支部概览</span>
        <h1 className="h1">{org.name}</h1>
        <p className="ov-periods">
          <span className="ov-period">
            <span className="ov-period__name">本季度</span>
            {data.quarterLabel}
          </span>
          <span className="ov-period">
            <span className="ov-period__name">本年度</span>
            {data.yearLabel}
          </span>
        </p>
        <p className="page-head__sub muted">
          按各支部自己的组织生活规则统计，自各支部开始统计之日起计算应开次数，帮助上级党组织了解情况、及时指导。只做提醒，不打分、不排名，支部按组织顺序排列。
        </p>
      </section>

      <div className="stats ov-stats" data-testid="overview-totals">
        <Stat to={`${base}#branches-heading`} value={totals.branches} label="支部数">
          <span className="ov-stat__note">有欠缺 {totals.branchesLacking} 个</span>
        </Stat>
        <Stat
          value={
            <>
              {totals.quarter.held}
              <span className="ov-stat__of"> / {totals.quarter.required}</span>
            </>
          }
          label="本季度已开 / 应开"
        >
          <span className="ov-stat__note">{data.quarterLabel}</span>
        </Stat>
        <Stat
          to={`${base}?filter=lacking#branches-heading`}
          value={totals.branchesOverdue}
          danger={totals.branchesOverdue > 0}
          label="逾期未开的支部"
        >
          <span className="ov-stat__note">本年度有应开未开</span>
        </Stat>
        <Stat
          to={`${base}?filter=lacking#branches-heading`}
          value={totals.minutesMissing}
          danger={totals.minutesOverdue > 0}
          label="记录未完成"
        >
          <span className={totals.minutesOverdue > 0 ? "ov-stat__note text-danger" : "ov-stat__note"}>
            {totals.minutesOverdue > 0 ? `逾期 ${totals.minutesOverdue} 份` : "均未超过期限"}
          </span>
        </Stat>
      </div>

      <section className="section" aria-labelledby="trend-heading">
        <h2 className="h2" id="trend-heading">
          近两年组织生活
        </h2>
        <div className="trend-grid">
          <figure className="trend" aria-labelledby="trend-meetings">
            <figcaption className="trend__head">
              <h3 className="h3" id="trend-meetings">
                每月召开的会议
              </h3>
              <p className="trend__sub">
                近 24 个月共 {heldInWindow} 次
                {thisMonth ? `，${monthLabel(thisMonth.key)}已开 ${thisMonth.total} 次` : ""}
              </p>
            </figcaption>
            {heldInWindow > 0 ? (
              <MeetingsTrend months={months} />
            ) : (
              <p className="trend__empty muted">近两年还没有已召开的会议。</p>
            )}
          </figure>
          <figure className="trend" aria-labelledby="trend-attendance">
            <figcaption className="trend__head">
              <h3 className="h3" id="trend-attendance">
                每月出席率
              </h3>
              <p className="trend__sub">
                本年度 {percent(totals.attendance.rate)}
                {totals.attendance.expected > 0
                  ? `（实到 ${totals.attendance.came} ÷ 应到 ${totals.attendance.expected} 人次，迟到、早退计入实到）`
                  : ""}
              </p>
            </figcaption>
            {months.some((m) => m.expected > 0) ? (
              <AttendanceTrend months={months} />
            ) : (
              <p className="trend__empty muted">还没有已结束会议的签到记录。</p>
            )}
          </figure>
        </div>
      </section>

      {data.above ? <DualLife leaders={data.leaders} orgKind={org.kind} /> : null}
      <LifeReportsList rows={data.lifeReports} />

      <section className="section" aria-labelledby="branches-heading">
        <div className="section__head">
          <h2 className="h2" id="branches-heading">
            各支部情况
          </h2>
          <nav className="ov-filter" aria-label="筛选支部">
            <Link
              to={base}
              className="ov-filter__opt"
              aria-current={lackingOnly ? undefined : "page"}
              preventScrollReset
            >
              全部支部 <span className="ov-filter__n">{totals.branches}</span>
            </Link>
            <Link
              to={`${base}?filter=lacking`}
              className="ov-filter__opt"
              aria-current={lackingOnly ? "page" : undefined}
              preventScrollReset
            >
              只看有欠缺的支部 <span className="ov-filter__n">{totals.branchesLacking}</span>
            </Link>
          </nav>
        </div>
        <p className="muted small">
          “有欠缺”指本年度有应开未开且已过期的会议，或会议记录超过期限未完成。点支部名称查看该支部的组织生活提醒。
        </p>

        {totals.branches === 0 ? (
          <p className="empty">下级还没有党支部。</p>
        ) : sections.length === 0 ? (
          <p className="empty" data-testid="nothing-lacking">
            所有支部本年度的会议都已按期召开或安排，会议记录也都按时完成。
          </p>
        ) : (
          sections.map((s, i) => {
            const title = s.under ? s.trail.join(" / ") : data.grouped ? "直属党支部" : null;
            return (
              <div key={`${s.under?.id ?? "direct"}-${i}`} className="ov-group">
                {title ? (
                  <div className="ov-group__head">
                    <h3 className="h3">{title}</h3>
                    <span className="ov-group__meta">
                      {s.total} 个支部{s.lacking > 0 ? `，${s.lacking} 个有欠缺` : ""}
                    </span>
                    {s.under ? (
                      <Link to={`/orgs/${s.under.id}/overview`} className="ov-group__link">
                        {ORG_KIND_LABEL[s.under.kind]}概览
                        <ChevronRightIcon size={16} />
                      </Link>
                    ) : null}
                  </div>
                ) : null}
                <BranchTable rows={s.rows} caption={title ? `${title}的支部` : "党支部"} />
              </div>
            );
          })
        )}
        {pages > 1 ? (
          <nav className="ov-pager" aria-label="分页">
            <PageLink base={base} lackingOnly={lackingOnly} page={page - 1} pages={pages}>
              上一页
            </PageLink>
            <span className="ov-pager__at">
              第 {page} / {pages} 页，共 {data.listed} 个支部
            </span>
            <PageLink base={base} lackingOnly={lackingOnly} page={page + 1} pages={pages}>
              下一页
            </PageLink>
          </nav>
        ) : null}
      </section>
    </AppShell>
  );
}

type Leaders = ReturnType<typeof useLoaderData<typeof loader>>["leaders"];

/** The committee's 双重组织生活: where each leader takes part as an ordinary member, and how often they came. */
function DualLife({ leaders, orgKind }: { leaders: Leaders; orgKind: OrgKind }) {
  return (
    <section className="section" aria-labelledby="dual-heading" data-testid="dual-life">
      <h2 className="h2" id="dual-heading">
        班子成员双重组织生活
      </h2>
      <p className="muted small">
        {ORG_KIND_LABEL[orgKind]}
        委员以普通党员身份参加所在党支部或党小组的组织生活，由所在支部记录。这里列出本年度已结束会议的出席情况。
      </p>
      {leaders.length === 0 ? (
        <p className="empty">还没有登记{ORG_KIND_LABEL[orgKind]}委员。</p>
      ) : (
        <ul className="list">
          {leaders.map((l) => (
            <li key={l.userId} className="row" data-testid="leader-row">
              <div className="row__main">
                <span className="row__title">
                  {l.name}
                  <span className="muted small"> · {l.roles.map((r) => ROLE_LABEL[r]).join("、")}</span>
                </span>
                {l.orgs.length === 0 ? (
                  <span className="row__sub text-danger">尚未编入党支部或党小组，无法参加双重组织生活</span>
                ) : (
                  <span className="row__sub">
                    参加：{l.orgs.map((o) => o.name).join("、")} · 本年度出席 {l.came} / {l.expected} 次
                    {l.lastAttended ? ` · 最近一次 ${formatDate(l.lastAttended)}` : ""}
                  </span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

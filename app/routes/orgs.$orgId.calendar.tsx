import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { dueInMonth } from "../../server/services/oversight/compliance";
import { meetingsOfOrg } from "../../server/services/calendar/meetings";
import { getOrgFor } from "../../server/services/people/orgs";
import { MEETING_KIND_LABEL, ORG_KIND_LABEL } from "../../shared/domain/labels";
import { canManage, scheduleAccess } from "../../shared/permissions";
import { AppShell } from "../components/app-shell";
import { CalendarView, monthSummary } from "../components/calendar-view";
import { Crumbs } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { calendarMeetings, calendarMonth } from "../lib/calendar.server";
import planningStyles from "../styles/planning.css?url";
import calendarCss from "../styles/calendar.css?url";

const SHOWN = 1000;

export const meta: MetaFunction = () => [{ title: "支部日历 · 同心" }];
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: calendarCss },
  { rel: "stylesheet", href: planningStyles },
];

// The organisation's calendar: everything it and its groups hold, for the secretary planning
// the month (and readable by its members). Planning tools show only to those who manage it.

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const found = await getOrgFor(sql, actor.subject, params.orgId ?? "");
  if (!found) notFound();
  const { org } = found;
  const window = calendarMonth(request);
  // A 党委 of a thousand branches holds thousands of meetings a month: show a page's worth, and say so.
  const held = await meetingsOfOrg(sql, actor.subject, org.id, {
    from: window.monthStart,
    to: window.monthEnd,
    limit: SHOWN + 1,
  });
  const list = held.slice(0, SHOWN);
  const planned = Number(new URL(request.url).searchParams.get("planned"));
  const { monthStart: _s, monthEnd: _e, ...calendar } = window;
  const manages = canManage(scheduleAccess(actor.subject, org.resource));
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind },
    manages,
    // What the rules want this month and nobody has scheduled yet: for those who schedule.
    due: manages ? await dueInMonth(sql, org, window.year, window.month) : null,
    planned: Number.isInteger(planned) && planned > 0 ? planned : 0,
    truncated: held.length > SHOWN ? SHOWN : 0,
    ...calendar,
    meetings: calendarMeetings(list, window),
  };
}

export default function OrgCalendar() {
  const { userName, org, manages, planned, due, truncated, ...data } = useLoaderData<typeof loader>();
  const base = `/orgs/${org.id}/calendar`;
  const plans = org.kind === "branch" || org.kind === "group";
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <CalendarView
        data={data}
        eyebrow={`${ORG_KIND_LABEL[org.kind]}日历 · ${org.name}`}
        href={(v, m) => `${base}?view=${v}${m ? `&month=${m}` : ""}`}
        summary={monthSummary(data.meetings, "本月没有安排会议")}
        empty={
          <>
            <p className="h3">本月没有安排</p>
            <p className="muted">
              {manages ? "可以按年度计划一次排好全年，或单独安排一次会议。" : "支部安排会议后，会出现在这里。"}
            </p>
          </>
        }
        actions={
          manages ? (
            <>
              {plans ? (
                <Link className="btn btn--small" to={`/orgs/${org.id}/plan`}>
                  年度计划
                </Link>
              ) : null}
              {plans ? (
                <Link className="btn btn--small" to={`/orgs/${org.id}/series/new`}>
                  周期性安排
                </Link>
              ) : null}
              <Link className="btn btn--small btn--primary" to={`/orgs/${org.id}/meetings/new`}>
                安排会议
              </Link>
            </>
          ) : null
        }
      >
        {planned > 0 ? (
          <p className="alert alert--ok" role="status">
            已安排 {planned} 次会议，参会人员各收到一条通知，会前还会按规则提醒。
          </p>
        ) : null}
        {due ? <MonthDue due={due} orgId={org.id} month={data.month} /> : null}
        {truncated ? (
          <p className="alert" role="status">
            {`本月会议很多，这里只列出前 ${truncated} 项。各支部的完整安排请进入该支部的日历查看。`}
          </p>
        ) : null}
      </CalendarView>
    </AppShell>
  );
}

function MonthDue({
  due,
  orgId,
  month,
}: {
  due: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["due"]>;
  orgId: string;
  month: number;
}) {
  if (due.due.length === 0)
    return (
      <p className="cal-due cal-due--ok" data-testid="month-due">
        {`${month}月应开的会议都已安排。`}
      </p>
    );
  return (
    <div className="cal-due" data-testid="month-due">
      <p className="cal-due__title">{due.over ? `${month}月应开而未开：` : `${month}月到期、尚未安排：`}</p>
      <ul className="cal-due__list">
        {due.due.map((d) => (
          <li key={d.kind}>
            <Link to={`/orgs/${orgId}/meetings/new?kind=${d.kind}`} className={`cal-due__item kind--${d.kind}`}>
              {MEETING_KIND_LABEL[d.kind]}
              {d.groups.length > 0 ? `（${d.groups.join("、")}）` : ""}
              <span className="cal-due__period">{d.periodLabel}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

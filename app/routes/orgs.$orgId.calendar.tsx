import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { meetingsOfOrg } from "../../server/services/meetings";
import { getOrgFor } from "../../server/services/orgs";
import { ORG_KIND_LABEL } from "../../shared/domain/labels";
import { canManage } from "../../shared/permissions";
import { AppShell } from "../components/app-shell";
import { CalendarView, monthSummary } from "../components/calendar-view";
import { Crumbs } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { calendarMeetings, calendarMonth } from "../lib/calendar.server";

export const meta: MetaFunction = () => [{ title: "支部日历 · 同心" }];

// The organisation's calendar: everything it and its groups hold, for the secretary planning
// the month (and readable by its members). Planning tools show only to those who manage it.

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const found = await getOrgFor(sql, actor.subject, params.orgId ?? "");
  if (!found) notFound();
  const { org, access } = found;
  const window = calendarMonth(request);
  const list = await meetingsOfOrg(sql, actor.subject, org.id, { from: window.monthStart, to: window.monthEnd });
  const planned = Number(new URL(request.url).searchParams.get("planned"));
  const { monthStart: _s, monthEnd: _e, ...calendar } = window;
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind },
    manages: canManage(access),
    planned: Number.isInteger(planned) && planned > 0 ? planned : 0,
    ...calendar,
    meetings: calendarMeetings(list, window),
  };
}

export default function OrgCalendar() {
  const { userName, org, manages, planned, ...data } = useLoaderData<typeof loader>();
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
      </CalendarView>
    </AppShell>
  );
}

import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { meetingsToAttend } from "../../server/services/calendar/meetings";
import { loadSubject } from "../../server/services/people/subjects";
import { AppShell } from "../components/app-shell";
import { CalendarView, monthSummary } from "../components/calendar-view";
import { requireUser } from "../lib/auth.server";
import { calendarMeetings, calendarMonth } from "../lib/calendar.server";
import calendarCss from "../styles/calendar.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: calendarCss }];

export const meta: MetaFunction = () => [{ title: "日历 · 同心" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const window = calendarMonth(request);
  const subject = await loadSubject(sql, user.id);
  const list = await meetingsToAttend(sql, subject, { from: window.monthStart, to: window.monthEnd, limit: 500 });
  const { monthStart: _s, monthEnd: _e, ...calendar } = window;
  return { userName: user.displayName, ...calendar, meetings: calendarMeetings(list, window) };
}

export default function Calendar() {
  const { userName, ...data } = useLoaderData<typeof loader>();
  return (
    <AppShell userName={userName}>
      <CalendarView
        data={data}
        eyebrow="我的日历 · 所有组织"
        href={(v, m) => `/calendar?view=${v}${m ? `&month=${m}` : ""}`}
        summary={monthSummary(data.meetings, "本月没有需要参加的学习或会议")}
        empty={
          <>
            <p className="h3">本月没有安排</p>
            <p className="muted">支部安排学习或会议后，会出现在这里。</p>
          </>
        }
      />
    </AppShell>
  );
}

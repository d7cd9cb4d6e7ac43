import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listMeetingsFor } from "../../server/services/meetings";
import { loadSubject } from "../../server/services/subjects";
import { chinaDateKey, chinaParts, chinaTime, daysInMonth, WEEKDAY_LABEL } from "../../shared/domain/cadence";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { AppShell } from "../components/app-shell";
import { MeetingMeta } from "../components/meeting-meta";
import { ChevronLeftIcon, ChevronRightIcon } from "../components/icons";
import { MonthGrid } from "../components/month-grid";
import { requireUser } from "../lib/auth.server";
import { formatTime } from "../lib/format";

export const meta: MetaFunction = () => [{ title: "日历 · 同心" }];

type View = "month" | "agenda";
const pad2 = (n: number) => String(n).padStart(2, "0");
const monthParam = (y: number, m: number) => `${y}-${pad2(m)}`;

/** "2026-12" → { year, month }; anything else (or out of range) → null. */
function parseMonth(raw: string | null): { year: number; month: number } | null {
  const match = /^(\d{4})-(\d{1,2})$/.exec(raw ?? "");
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (year < 1970 || year > 2199 || month < 1 || month > 12) return null;
  return { year, month };
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const url = new URL(request.url);
  const view: View = url.searchParams.get("view") === "month" ? "month" : "agenda";
  const now = new Date();
  const today = chinaParts(now);
  const { year, month } = parseMonth(url.searchParams.get("month")) ?? { year: today.year, month: today.month };
  const monthStart = chinaTime(year, month, 1);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const prev = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
  const monthEnd = chinaTime(next.year, next.month, 1);

  const subject = await loadSubject(sql, user.id);
  const all = await listMeetingsFor(sql, subject, { from: monthStart, limit: 500 });
  const meetings = all
    .filter((m) => m.startsAt >= monthStart && m.startsAt < monthEnd)
    .map((m) => {
      const p = chinaParts(m.startsAt);
      return {
        id: m.id,
        kind: m.kind,
        title: m.title,
        orgName: m.orgName,
        location: m.location,
        cancelled: m.cancelled,
        dayKey: chinaDateKey(m.startsAt),
        day: p.day,
        weekday: p.weekday,
        time: formatTime(m.startsAt),
        endTime: formatTime(m.endsAt),
      };
    });

  return {
    userName: user.displayName,
    view,
    year,
    month,
    prev: monthParam(prev.year, prev.month),
    next: monthParam(next.year, next.month),
    isCurrent: year === today.year && month === today.month,
    todayKey: chinaDateKey(now),
    leading: (chinaParts(monthStart).weekday + 6) % 7,
    days: daysInMonth(year, month),
    meetings,
  };
}

type CalMeeting = ReturnType<typeof useLoaderData<typeof loader>>["meetings"][number];

export default function Calendar() {
  const data = useLoaderData<typeof loader>();
  const { userName, view, year, month, meetings } = data;
  const here = monthParam(year, month);
  const href = (v: View, m: string | null) => `/calendar?view=${v}${m ? `&month=${m}` : ""}`;
  const active = meetings.filter((m) => !m.cancelled).length;

  return (
    <AppShell userName={userName}>
      <section className="page-head cal-head">
        <p className="eyebrow">我的日历 · 所有组织</p>
        <div className="cal-head__row">
          <h1 className="h1">
            {year}年{month}月
          </h1>
          <nav className="seg" aria-label="视图">
            <Link
              to={href("month", here)}
              className={view === "month" ? "seg__item is-active" : "seg__item"}
              aria-current={view === "month" ? "page" : undefined}
            >
              月历
            </Link>
            <Link
              to={href("agenda", here)}
              className={view === "agenda" ? "seg__item is-active" : "seg__item"}
              aria-current={view === "agenda" ? "page" : undefined}
            >
              日程
            </Link>
          </nav>
        </div>
        <p className="page-head__sub muted">
          {meetings.length === 0
            ? "本月没有需要参加的学习或会议"
            : `本月 ${active} 项安排${meetings.length > active ? `，另有 ${meetings.length - active} 项已取消` : ""}`}
        </p>
      </section>

      <nav className="cal-nav" aria-label="切换月份">
        <Link to={href(view, data.prev)} className="btn btn--ghost btn--small cal-nav__step" aria-label="上个月">
          <ChevronLeftIcon size={18} />
          <span className="cal-nav__text">上个月</span>
        </Link>
        {data.isCurrent ? (
          <span className="cal-nav__today is-here">本月</span>
        ) : (
          <Link to={href(view, null)} className="btn btn--ghost btn--small cal-nav__today">
            回到本月
          </Link>
        )}
        <Link to={href(view, data.next)} className="btn btn--ghost btn--small cal-nav__step" aria-label="下个月">
          <span className="cal-nav__text">下个月</span>
          <ChevronRightIcon size={18} />
        </Link>
      </nav>

      {view === "month" ? (
        <>
          <MonthGrid
            year={year}
            month={month}
            leading={data.leading}
            days={data.days}
            todayKey={data.todayKey}
            meetings={meetings}
          />
          <KindLegend kinds={[...new Set(meetings.map((m) => m.kind))]} />
          <div className="cal-under">
            <Agenda meetings={meetings} month={month} todayKey={data.todayKey} />
          </div>
        </>
      ) : meetings.length === 0 ? (
        <div className="card empty">
          <p className="h3">本月没有安排</p>
          <p className="muted">支部安排学习或会议后，会出现在这里。</p>
          <p>
            <Link to={href(view, data.next)}>看看下个月</Link>
          </p>
        </div>
      ) : (
        <Agenda meetings={meetings} month={month} todayKey={data.todayKey} />
      )}
    </AppShell>
  );
}

function KindLegend({ kinds }: { kinds: MeetingKind[] }) {
  if (kinds.length === 0) return null;
  return (
    <ul className="cal-legend" aria-label="图例">
      {kinds.map((k) => (
        <li key={k}>
          <span className={`month-grid__dot kind--${k}`} aria-hidden="true" />
          {MEETING_KIND_LABEL[k]}
        </li>
      ))}
    </ul>
  );
}

/** The month's meetings grouped by China-time day: a calendar leaf, then that day's cards. */
function Agenda({ meetings, month, todayKey }: { meetings: CalMeeting[]; month: number; todayKey: string }) {
  const days: { key: string; day: number; weekday: number; list: CalMeeting[] }[] = [];
  for (const m of meetings) {
    const last = days[days.length - 1];
    if (last && last.key === m.dayKey) last.list.push(m);
    else days.push({ key: m.dayKey, day: m.day, weekday: m.weekday, list: [m] });
  }
  if (days.length === 0) return null;
  return (
    <ol className="cal-agenda" aria-label={`${month}月日程`}>
      {days.map((d) => {
        const today = d.key === todayKey;
        return (
          <li key={d.key} id={`d-${d.key}`} className={today ? "cal-agenda__day is-today" : "cal-agenda__day"}>
            <div className="cal-agenda__leaf" aria-hidden="true">
              <span className="cal-agenda__leaf-day">{d.day}</span>
              <span className="cal-agenda__leaf-wd">{today ? "今天" : WEEKDAY_LABEL[d.weekday]}</span>
            </div>
            <h2 className="sr-only">
              {month}月{d.day}日 {WEEKDAY_LABEL[d.weekday]}
              {today ? "（今天）" : ""}
            </h2>
            <ul className="meeting-list cal-agenda__list">
              {d.list.map((m) => (
                <li key={m.id}>
                  <Link
                    to={`/meetings/${m.id}`}
                    className={`card meeting-card agenda-card kind--${m.kind}${m.cancelled ? " is-cancelled" : ""}`}
                  >
                    <div className="meeting-card__body">
                      <span className="row__title">
                        <span className="tag cal-kind-tag">{MEETING_KIND_LABEL[m.kind]}</span>
                        {m.cancelled ? <span className="tag tag--muted">已取消</span> : null}
                      </span>
                      <h3 className="meeting-card__title agenda-card__title">{m.title}</h3>
                      <MeetingMeta time={`${m.time}–${m.endTime}`} location={m.location} orgName={m.orgName} />
                    </div>
                    <ChevronRightIcon size={20} className="meeting-card__go" />
                  </Link>
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}

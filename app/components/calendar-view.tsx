import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { WEEKDAY_LABEL } from "../../shared/domain/kind-rules";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { ChevronLeftIcon, ChevronRightIcon } from "./icons";
import { MeetingMeta } from "./meeting-meta";
import { MonthGrid } from "./month-grid";

// One calendar, two pages: a member's own (everything they should attend) and an
// organisation's (everything it holds). Month grid or agenda, China time, Monday first.

export interface CalMeeting {
  id: string;
  kind: MeetingKind;
  title: string;
  orgName: string;
  location: string | null;
  cancelled: boolean;
  dayKey: string;
  day: number;
  weekday: number;
  time: string;
  endTime: string;
}

export interface CalendarData {
  view: "month" | "agenda";
  year: number;
  month: number;
  prev: string;
  next: string;
  isCurrent: boolean;
  todayKey: string;
  leading: number;
  days: number;
  meetings: CalMeeting[];
}

export function CalendarView({
  data,
  eyebrow,
  href,
  summary,
  empty,
  actions,
  children,
}: {
  data: CalendarData;
  eyebrow: ReactNode;
  /** The address of a view and month (null: this month). */
  href: (view: CalendarData["view"], month: string | null) => string;
  summary: string;
  empty: ReactNode;
  /** Buttons under the heading (the organisation's own tools). */
  actions?: ReactNode;
  /** Shown above the calendar, e.g. a confirmation. */
  children?: ReactNode;
}) {
  const { view, year, month, meetings } = data;
  const here = `${year}-${String(month).padStart(2, "0")}`;
  return (
    <>
      <section className="page-head cal-head">
        <p className="eyebrow">{eyebrow}</p>
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
        <p className="page-head__sub muted">{summary}</p>
        {actions ? <div className="actions cal-actions">{actions}</div> : null}
      </section>
      {children}

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
          {empty}
          <p>
            <Link to={href(view, data.next)}>看看下个月</Link>
          </p>
        </div>
      ) : (
        <Agenda meetings={meetings} month={month} todayKey={data.todayKey} />
      )}
    </>
  );
}

/** 「本月 3 项安排，另有 1 项已取消」 */
export function monthSummary(meetings: CalMeeting[], none: string): string {
  const active = meetings.filter((m) => !m.cancelled).length;
  if (meetings.length === 0) return none;
  return `本月 ${active} 项安排${meetings.length > active ? `，另有 ${meetings.length - active} 项已取消` : ""}`;
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

import { Link } from "@remix-run/react";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";

/** What a grid cell needs of a meeting (dates already turned into China-time keys and times). */
export interface GridMeeting {
  id: string;
  kind: MeetingKind;
  title: string;
  time: string;
  dayKey: string;
  cancelled: boolean;
}

const WEEK_HEAD = ["一", "二", "三", "四", "五", "六", "日"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * A month as a Monday-first grid of China-time days. Wide screens show a chip per meeting
 * (kind colour, time, title); phones show dots and link the day to its entry in the list below.
 */
export function MonthGrid({
  year,
  month,
  leading,
  days,
  todayKey,
  meetings,
}: {
  year: number;
  month: number;
  /** Blank cells before the 1st (0 when the month starts on a Monday). */
  leading: number;
  days: number;
  todayKey: string;
  meetings: GridMeeting[];
}) {
  const byDay = new Map<string, GridMeeting[]>();
  for (const m of meetings) byDay.set(m.dayKey, [...(byDay.get(m.dayKey) ?? []), m]);
  const cells: (number | null)[] = [
    ...Array.from({ length: leading }, () => null),
    ...Array.from({ length: days }, (_, i) => i + 1),
  ];
  while (cells.length % 7 !== 0) cells.push(null);

  return (
    <section className="month-grid card" aria-label={`${year}年${month}月`}>
      <div className="month-grid__head" aria-hidden="true">
        {WEEK_HEAD.map((w, i) => (
          <span key={w} className={i >= 5 ? "month-grid__wd month-grid__wd--end" : "month-grid__wd"}>
            {w}
          </span>
        ))}
      </div>
      <div className="month-grid__body">
        {cells.map((day, i) => {
          if (day === null) return <div key={`x${i}`} className="month-grid__cell month-grid__cell--blank" />;
          const key = `${year}-${pad2(month)}-${pad2(day)}`;
          const list = byDay.get(key) ?? [];
          const today = key === todayKey;
          const cls = [
            "month-grid__cell",
            today ? "month-grid__cell--today" : "",
            list.length > 0 ? "month-grid__cell--busy" : "",
            i % 7 >= 5 ? "month-grid__cell--weekend" : "",
          ]
            .filter(Boolean)
            .join(" ");
          return (
            <div key={key} className={cls} data-day={key} aria-current={today ? "date" : undefined}>
              {list.length > 0 ? (
                <a
                  href={`#d-${key}`}
                  className="month-grid__num"
                  aria-label={`${month}月${day}日，${list.length} 项安排`}
                >
                  {day}
                </a>
              ) : (
                <span className="month-grid__num">{day}</span>
              )}
              {list.length > 0 ? (
                <>
                  <span className="month-grid__dots" aria-hidden="true">
                    {list.slice(0, 3).map((m) => (
                      <span
                        key={m.id}
                        className={`month-grid__dot kind--${m.kind}${m.cancelled ? " is-cancelled" : ""}`}
                      />
                    ))}
                  </span>
                  <ul className="month-grid__chips">
                    {list.map((m) => (
                      <li key={m.id}>
                        <Link
                          to={`/meetings/${m.id}`}
                          className={`cal-chip kind--${m.kind}${m.cancelled ? " is-cancelled" : ""}`}
                          title={`${MEETING_KIND_LABEL[m.kind]} · ${m.time} ${m.title}${m.cancelled ? "（已取消）" : ""}`}
                        >
                          <span className="cal-chip__time">{m.time}</span>
                          <span className="cal-chip__title">{m.title}</span>
                          {m.cancelled ? <span className="sr-only">（已取消）</span> : null}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}

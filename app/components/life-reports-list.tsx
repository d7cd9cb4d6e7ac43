import { Link } from "@remix-run/react";
import type { BelowReport } from "../../server/services/life/reports";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { dateInWords } from "../../shared/time";
import { formatDate } from "../lib/format";

// The 党委 overview's 组织生活会 / 民主生活会 reports (decision 036): each meeting of the year below,
// whether its plan and its outcome with the 整改清单 reached the committee, and a 民主生活会's
// 15-day deadline. By date, never ranked.

type Row = Omit<BelowReport, "startsAt" | "planReportedAt" | "outcomeReportedAt"> & {
  startsAt: Date | string;
  planReportedAt: Date | string | null;
  outcomeReportedAt: Date | string | null;
};

function outcome(r: Row) {
  if (r.outcomeReportedAt) return <span className="tag tag--green">已上报 {formatDate(r.outcomeReportedAt)}</span>;
  if (r.due?.overdue) return <span className="tag life-tag--overdue">逾期未报（{dateInWords(r.due.dueOn)} 前）</span>;
  if (r.due) return <span className="tag tag--gold">{dateInWords(r.due.dueOn)} 前上报</span>;
  return <span className="tag tag--outline">{r.held ? "未上报" : "会后上报"}</span>;
}

export function LifeReportsList({ rows }: { rows: Row[] }) {
  return (
    <section className="section" aria-labelledby="life-reports-heading" data-testid="life-reports">
      <h2 className="h2" id="life-reports-heading">
        组织生活会和民主生活会上报
      </h2>
      {rows.length === 0 ? (
        <p className="muted">本年度还没有安排组织生活会或民主生活会。</p>
      ) : (
        <ul className="life-list card">
          {rows.map((r) => (
            <li key={r.meetingId} data-testid="life-report-row">
              <span className="tag">{MEETING_KIND_LABEL[r.kind as MeetingKind]}</span>
              <Link to={`/meetings/${r.meetingId}`}>
                {r.orgName} · {r.title}
              </Link>
              <span className="muted">{formatDate(r.startsAt)}</span>
              <span className={r.planReportedAt ? "tag tag--green" : "tag tag--outline"}>
                {r.planReportedAt ? "方案已上报" : "方案未上报"}
              </span>
              {outcome(r)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

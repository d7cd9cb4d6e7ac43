import { Link } from "@remix-run/react";
import type { SessionReflections as Summary } from "../../server/services/reflections/overview";
import { formatDate, formatTime } from "../lib/format";
import { ChevronRightIcon, ClockIcon } from "./icons";
import { ReflectionStatusTag } from "./reflection-parts";

// 心得体会 on the live session page: the attendee's own status with a link to write or read it,
// and for the reviewers the figures (submitted of expected, accepted, possibly copied) with a
// link to the overview. Only classes of app.css, so the session page needs no extra stylesheet.

/** sessionReflections() as the page's loader gives it: the deadline a Date (single fetch) or an ISO string. */
type Data = Omit<Summary, "deadline"> & { deadline: Date | string | null };

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;

export function SessionReflections({ meetingId, data }: { meetingId: string; data: Data }) {
  const { mine, review, deadline, deadlinePassed } = data;
  if (!mine && !review) return null;
  const writing = mine && (mine.status === "draft" || mine.status === "returned");
  return (
    <section className="card section" aria-labelledby="reflections-heading" data-testid="session-reflections">
      <div className="section__head">
        <h2 className="h3" id="reflections-heading">
          心得体会
        </h2>
        {mine ? <ReflectionStatusTag status={mine.status} /> : null}
      </div>
      <p className="muted small" style={{ display: "flex", alignItems: "center", gap: "var(--space-1)" }}>
        <ClockIcon size={16} />
        {deadline ? (
          <span>
            {deadlinePassed ? "已截止：" : "提交截止："}
            {when(deadline)}
          </span>
        ) : (
          <span>{data.canSetDeadline ? "尚未设置提交截止时间" : "主持人尚未设置提交截止时间"}</span>
        )}
      </p>
      {mine ? (
        <div className="row" style={{ padding: "var(--space-2) 0", minHeight: 0 }}>
          <div className="row__main">
            <span className="row__title">我的心得体会</span>
            <span className="row__sub">
              {mine.status === "returned"
                ? "已退回，请按意见修改后重新提交"
                : mine.wordCount > 0
                  ? `${mine.wordCount} 字`
                  : "还没有开始写"}
            </span>
          </div>
          <Link
            to={`/meetings/${meetingId}/reflection`}
            className={writing ? "btn btn--primary btn--small" : "btn btn--small"}
          >
            {writing ? (mine.status === "returned" ? "修改" : "写心得体会") : "查看"}
          </Link>
        </div>
      ) : null}
      {review ? (
        <Link
          to={`/meetings/${meetingId}/reflections`}
          className="row"
          style={{
            padding: "var(--space-2) 0",
            minHeight: 0,
            borderTop: mine ? "1px solid var(--color-line)" : undefined,
          }}
          data-testid="reflections-figures"
        >
          <div className="row__main">
            <span className="row__title">
              已提交 {review.submitted}/{review.expected} · 已通过 {review.accepted}
              {review.flagged > 0 ? <span className="tag tag--gold">疑似雷同 {review.flagged}</span> : null}
            </span>
            <span className="row__sub">查看提交情况、审阅和提醒</span>
          </div>
          <span className="row__end">
            <ChevronRightIcon size={18} />
          </span>
        </Link>
      ) : null}
    </section>
  );
}

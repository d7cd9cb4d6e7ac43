import { Link } from "@remix-run/react";
import type { LookBack } from "../../server/services/life/rectification";
import { RECTIFICATION_STATUS_LABEL } from "../../shared/schemas/rectification";
import { dateInWords } from "../../shared/time";
import { formatDate } from "../lib/format";
import rectificationCss from "../styles/rectification.css?url";

export const lookBackStyles = [{ rel: "stylesheet", href: rectificationCss }];

type Data = Omit<LookBack, "meeting" | "items"> & {
  meeting: { id: string; title: string; startsAt: Date | string };
  items: (Omit<LookBack["items"][number], "reportedAt" | "closedAt" | "createdAt"> & Record<string, unknown>)[];
  open: number;
  overdue: number;
  closed: number;
};

/** 回头看: a 组织生活会 opens with the 整改清单 of the previous one (domain.md), each item with its state. */
export function LookBackCard({ data, orgId }: { data: Data; orgId: string }) {
  return (
    <section className="card lookback" aria-labelledby="lookback-heading" data-testid="lookback">
      <div className="lookback__head">
        <h2 className="lookback__title" id="lookback-heading">
          回头看：上次组织生活会的整改事项
        </h2>
        <span className="lookback__counts">
          未销号 {data.open} 项{data.overdue ? ` · 逾期 ${data.overdue} 项` : ""} · 已销号 {data.closed} 项
        </span>
      </div>
      <p className="muted lookback__counts">
        {formatDate(data.meeting.startsAt)} {data.meeting.title}
      </p>
      <ul className="lookback__list">
        {data.items.slice(0, 8).map((i) => (
          <li key={i.id}>
            <span className={`tag rect-tag rect-tag--${i.overdue ? "overdue" : i.status}`}>
              {i.overdue ? "已逾期" : RECTIFICATION_STATUS_LABEL[i.status]}
            </span>
            <span>
              {i.problem}（{i.ownerName ?? "本支部"}，时限 {dateInWords(i.deadline)}）
            </span>
          </li>
        ))}
      </ul>
      <Link to={`/orgs/${orgId}/rectification`} className="btn btn--small btn--ghost">
        查看整改清单
      </Link>
    </section>
  );
}

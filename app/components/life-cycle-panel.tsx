import { useFetcher } from "@remix-run/react";
import type { LifeCyclePanel } from "../../server/services/life/cycle-panel";
import { GRANT_DAYS } from "../../shared/domain/life-cycle";
import { dateInWords } from "../../shared/time";
import type { LifeResult } from "../routes/meetings.$meetingId_.life";
import { formatDate, formatTime } from "../lib/format";
import lifeCss from "../styles/life-cycle.css?url";

// The 组织生活会 cycle's cards on the meeting page (decision 036): the study (links to 党课 / 学习,
// an offline study), the reports upward (plan before, outcome and 整改清单 after; 列席 from above)
// and the confidential records: who from above asked to read them, until when (ended early or
// not), and the forms for a committee member above to ask and for the 书记 or the asker to end it.
// The forms post to meetings.$meetingId_.life with fetchers, so a refusal shows beside its form
// and nothing typed is lost.

export const lifeCycleStyles = [{ rel: "stylesheet", href: lifeCss }];

type Panel = Omit<LifeCyclePanel, "stages" | "detail">;

function Message({ r, intent }: { r: LifeResult | undefined; intent: string }) {
  if (!r || r.intent !== intent) return null;
  if (r.ok)
    return (
      <p className="alert alert--ok" role="status">
        {r.ok}
      </p>
    );
  const text = r.formError ?? Object.values(r.fieldErrors ?? {})[0];
  return text ? (
    <p className="alert alert--error" role="alert">
      {text}
    </p>
  ) : null;
}

function Intent({
  meetingId,
  intent,
  label,
  primary,
}: {
  meetingId: string;
  intent: string;
  label: string;
  primary?: boolean;
}) {
  const f = useFetcher<LifeResult>();
  return (
    <f.Form method="post" action={`/meetings/${meetingId}/life`} className="life-inline">
      <input type="hidden" name="intent" value={intent} />
      <button className={`btn btn--small${primary ? " btn--primary" : ""}`} disabled={f.state !== "idle"}>
        {label}
      </button>
      <Message r={f.data} intent={intent} />
    </f.Form>
  );
}

export function LifeStudyCard({ meetingId, study }: { meetingId: string; study: Panel["study"] }) {
  const link = useFetcher<LifeResult>();
  const offline = useFetcher<LifeResult>();
  const unlink = useFetcher<LifeResult>();
  const fe = offline.data?.intent === "offline-study" ? offline.data.fieldErrors : undefined;
  return (
    <section className="card life-card" aria-labelledby="life-study-heading" data-testid="life-study">
      <h2 className="h3" id="life-study-heading">
        学习与通知
      </h2>
      <p className={study.notice.inTime ? "muted" : "life-warn"} data-testid="life-notice">
        {formatDate(study.notice.noticedAt)} 发出{study.notice.rescheduled ? "改期" : ""}通知，提前 {study.notice.days}{" "}
        天（规定至少 {study.notice.required} 天）{study.notice.inTime ? "" : "，通知时间不足"}
      </p>
      {study.linked.length === 0 && study.offline.length === 0 ? <p className="muted">还没有关联集中学习。</p> : null}
      <ul className="life-list">
        {study.linked.map((l) => (
          <li key={l.id}>
            <span className={l.held ? "tag tag--green" : "tag tag--outline"}>{l.held ? "已学习" : "未举行"}</span>
            <a href={`/meetings/${l.id}`}>
              {l.kindLabel}「{l.title}」
            </a>
            <span className="muted">{formatDate(l.startsAt)}</span>
            {study.manage ? (
              <unlink.Form method="post" action={`/meetings/${meetingId}/life`} className="life-inline">
                <input type="hidden" name="intent" value="unlink-study" />
                <input type="hidden" name="studyMeetingId" value={l.id} />
                <button className="btn btn--small btn--ghost" disabled={unlink.state !== "idle"}>
                  取消关联
                </button>
              </unlink.Form>
            ) : null}
          </li>
        ))}
        {study.offline.map((o) => (
          <li key={o.id}>
            <span className="tag tag--green">线下学习</span>
            <span>{o.topic}</span>
            <span className="muted">
              {dateInWords(o.studiedOn)} · {o.hours} 小时
            </span>
          </li>
        ))}
      </ul>
      {study.manage ? (
        <div className="life-forms">
          <link.Form method="post" action={`/meetings/${meetingId}/life`} className="life-form">
            <input type="hidden" name="intent" value="link-study" />
            <label className="field">
              <span className="field__label">关联本组织的党课或学习</span>
              <select className="input" name="studyMeetingId" defaultValue="" required>
                <option value="" disabled>
                  {study.candidates.length ? "请选择" : "半年内没有可关联的党课或主题党日"}
                </option>
                {study.candidates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {formatDate(c.startsAt)} {c.kindLabel}「{c.title}」
                  </option>
                ))}
              </select>
            </label>
            <button className="btn btn--small" disabled={link.state !== "idle" || study.candidates.length === 0}>
              关联
            </button>
            <Message r={link.data} intent="link-study" />
          </link.Form>
          <details className="life-details">
            <summary>登记线下学习</summary>
            <offline.Form method="post" action={`/meetings/${meetingId}/life`} className="life-form">
              <input type="hidden" name="intent" value="offline-study" />
              <label className="field">
                <span className="field__label">学习内容</span>
                <input className="input" name="topic" maxLength={200} aria-invalid={fe?.topic ? true : undefined} />
                {fe?.topic ? <span className="field__error">{fe.topic}</span> : null}
              </label>
              <div className="life-form__row">
                <label className="field">
                  <span className="field__label">日期</span>
                  <input
                    className="input"
                    type="date"
                    name="studiedOn"
                    aria-invalid={fe?.studiedOn ? true : undefined}
                  />
                  {fe?.studiedOn ? <span className="field__error">{fe.studiedOn}</span> : null}
                </label>
                <label className="field">
                  <span className="field__label">时长（小时）</span>
                  <input
                    className="input"
                    type="number"
                    name="hours"
                    step="0.5"
                    min="0.5"
                    max="24"
                    aria-invalid={fe?.hours ? true : undefined}
                  />
                  {fe?.hours ? <span className="field__error">{fe.hours}</span> : null}
                </label>
              </div>
              <button className="btn btn--small" disabled={offline.state !== "idle"}>
                登记
              </button>
              {offline.data?.formError || offline.data?.ok ? <Message r={offline.data} intent="offline-study" /> : null}
            </offline.Form>
          </details>
        </div>
      ) : null}
    </section>
  );
}

export function LifeReportCard({ meetingId, reports }: { meetingId: string; reports: Panel["reports"] }) {
  if (reports.access === "none" && !reports.mayAttend && !reports.attendingAsGuest) return null;
  const manage = reports.access === "manage";
  return (
    <section className="card life-card" aria-labelledby="life-report-heading" data-testid="life-report">
      <h2 className="h3" id="life-report-heading">
        向上级上报
      </h2>
      <ul className="life-list">
        <li data-testid="life-report-plan">
          <span className={reports.plan ? "tag tag--green" : "tag tag--outline"}>
            {reports.plan ? "已上报" : "未上报"}
          </span>
          <span>会议方案（主题、时间）</span>
          {reports.plan ? (
            <span className="muted">
              {reports.plan.reportedByName} · {formatDate(reports.plan.reportedAt)}
            </span>
          ) : null}
        </li>
        <li data-testid="life-report-outcome">
          <span
            className={
              reports.outcome ? "tag tag--green" : reports.due?.overdue ? "tag life-tag--overdue" : "tag tag--outline"
            }
          >
            {reports.outcome ? "已上报" : reports.due?.overdue ? "已逾期" : "未上报"}
          </span>
          <span>会议情况和整改清单</span>
          {reports.outcome ? (
            <span className="muted">
              {reports.outcome.reportedByName} · {formatDate(reports.outcome.reportedAt)}
            </span>
          ) : reports.due ? (
            <span className={reports.due.overdue ? "life-warn" : "muted"}>
              会后 15 日内，即 {dateInWords(reports.due.dueOn)} 前
            </span>
          ) : null}
        </li>
      </ul>
      {manage && !reports.plan && !reports.held ? (
        <Intent meetingId={meetingId} intent="report-plan" label="上报会议方案" primary />
      ) : null}
      {manage && reports.held && !reports.outcome ? (
        <Intent meetingId={meetingId} intent="report-outcome" label="上报会议情况和整改清单" primary />
      ) : null}
      {reports.mayAttend ? <Intent meetingId={meetingId} intent="attend-above" label="报名列席" /> : null}
      {reports.attendingAsGuest ? <p className="muted">你已在本次会议的列席名单中。</p> : null}
    </section>
  );
}

/** Ends a running grant before its period (the branch's 书记 or the one who asked). */
function EndGrant({ meetingId, grantId }: { meetingId: string; grantId: string }) {
  const end = useFetcher<LifeResult>();
  return (
    <end.Form method="post" action={`/meetings/${meetingId}/life`} data-testid="life-grant-end">
      <input type="hidden" name="intent" value="end-above" />
      <input type="hidden" name="grantId" value={grantId} />
      <button className="btn btn--small" disabled={end.state !== "idle"}>
        结束调阅
      </button>
      <Message r={end.data} intent="end-above" />
    </end.Form>
  );
}

export function LifeAccessCard({ meetingId, panel }: { meetingId: string; panel: Panel }) {
  const ask = useFetcher<LifeResult>();
  const fe = ask.data?.intent === "ask-above" ? ask.data.fieldErrors : undefined;
  return (
    <section className="card life-card" aria-labelledby="life-access-heading" data-testid="life-access">
      <h2 className="h3" id="life-access-heading">
        保密记录
      </h2>
      <p className="muted">
        对照检查材料、批评意见、征求意见（含提出人）、谈心谈话和本次会议记录，仅本人、支委和会议进行中的参会人员可见；上级党组织须说明理由并限定期限调阅，调阅会告知支委并记入审计日志。
      </p>
      {panel.grants.length ? (
        <ul className="life-list" data-testid="life-grants">
          {panel.grants.map((g) => (
            <li key={g.id}>
              <span className={g.active ? "tag tag--gold" : "tag tag--muted"}>
                {g.active ? "调阅中" : g.endedAt ? "已结束" : "已到期"}
              </span>
              <span>
                {g.userName}：{g.reason}
              </span>
              <span className="muted">
                {formatDate(g.grantedAt)} {formatTime(g.grantedAt)} 至{" "}
                {g.endedAt
                  ? `${formatDate(g.endedAt)} ${formatTime(g.endedAt)}（${g.endedByName ?? ""}提前结束）`
                  : `${formatDate(g.expiresAt)} ${formatTime(g.expiresAt)}`}
              </span>
              {g.mayEnd ? <EndGrant grantId={g.id} meetingId={meetingId} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid="life-grants-none">
          上级党组织尚未调阅。
        </p>
      )}
      {panel.mayAsk && !panel.holdsGrant ? (
        <ask.Form method="post" action={`/meetings/${meetingId}/life`} className="life-form" data-testid="life-ask">
          <input type="hidden" name="intent" value="ask-above" />
          <label className="field">
            <span className="field__label">调阅理由</span>
            <textarea
              className="input"
              name="reason"
              maxLength={500}
              rows={2}
              aria-invalid={fe?.reason ? true : undefined}
            />
            {fe?.reason ? <span className="field__error">{fe.reason}</span> : null}
          </label>
          <label className="field">
            <span className="field__label">
              期限（天，{GRANT_DAYS.min}–{GRANT_DAYS.max}）
            </span>
            <input
              className="input life-form__days"
              type="number"
              name="days"
              defaultValue={GRANT_DAYS.default}
              min={GRANT_DAYS.min}
              max={GRANT_DAYS.max}
              aria-invalid={fe?.days ? true : undefined}
            />
            {fe?.days ? <span className="field__error">{fe.days}</span> : null}
          </label>
          <button className="btn btn--small btn--primary" disabled={ask.state !== "idle"}>
            调阅保密记录
          </button>
          {ask.data?.formError || ask.data?.ok ? <Message r={ask.data} intent="ask-above" /> : null}
        </ask.Form>
      ) : null}
      {panel.holdsGrant ? <p className="alert alert--ok">你正在调阅本次会议的保密记录。</p> : null}
    </section>
  );
}

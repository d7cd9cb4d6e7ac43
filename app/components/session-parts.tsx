import type { AttendanceMode, MeetingForm } from "../../shared/domain/attendance-mode";
import { Form, Link } from "@remix-run/react";
import { userColor } from "../../shared/colors";
import { ConfirmButton } from "./confirm-dialog";
import type { PresentUser } from "./use-live-session";

// Pieces of the live session page: the host's bar (start / end), the agenda with the item under
// discussion, who is here, and who may co-edit the minutes. Forms post to the session page and
// work without JavaScript.

interface Reply {
  ok?: string;
  formError?: string;
  fieldErrors?: Record<string, string>;
  intent?: string;
}

export function HostBar({
  phase,
  startRefusal,
  busy,
  result,
  meetingId,
  canReview,
  record,
}: {
  phase: string;
  startRefusal: string | null;
  busy: boolean;
  result?: Reply;
  meetingId: string;
  /** May open the 心得体会 overview (whoever runs the session reviews them). */
  canReview: boolean;
  /** After the end: the record page (sign-off and seal, decision 038), and whether it is sealed. */
  record?: { sealed: boolean } | null;
}) {
  const mine = result && (result.intent === "start" || result.intent === "end") ? result : undefined;
  return (
    <section className="host-bar" aria-label="主持人操作" data-phase={phase}>
      <div className="host-bar__text">
        {phase === "scheduled" ? (
          <>
            <strong>会议尚未开始</strong>
            <span>{startRefusal ?? "开始后，在本页的参会人员计为出席，表决可以进行。"}</span>
          </>
        ) : phase === "started" ? (
          <>
            <strong>会议进行中</strong>
            <span>结束后考勤冻结，迟到补签需在考勤页更正。</span>
          </>
        ) : (
          <>
            <strong>会议已结束</strong>
            <span data-testid="host-bar-record">
              {record?.sealed
                ? "考勤已冻结，缺席的同志已安排补学。会议记录已由主持人和记录人签字封存，只读。"
                : "考勤已冻结，缺席的同志已安排补学。会议记录和心得体会仍可由各自作者修改，直至主持人和记录人签字封存。"}
            </span>
          </>
        )}
      </div>
      {phase === "scheduled" ? (
        <Form method="post">
          <button
            className="btn btn--primary"
            name="intent"
            value="start"
            disabled={busy || startRefusal !== null}
            data-testid="start-session"
          >
            开始会议
          </button>
        </Form>
      ) : phase === "started" ? (
        <Form method="post">
          <ConfirmButton
            className="btn btn--danger"
            name="intent"
            value="end"
            disabled={busy}
            data-testid="end-session"
            confirm={{
              title: "结束会议？",
              message: "结束后考勤将冻结，不能再签到和表决；应到未到的同志会收到补学安排。此操作不能撤销。",
              confirmLabel: "结束会议",
            }}
          >
            结束会议
          </ConfirmButton>
        </Form>
      ) : (
        // After the end nothing is run any more; what is left to do is on these pages.
        <nav className="host-bar__links" aria-label="会后事项">
          <Link to={`/meetings/${meetingId}/attendance`} className="btn btn--small">
            考勤与补学
          </Link>
          {record ? (
            <Link to={`/meetings/${meetingId}/record`} className="btn btn--small" data-testid="record-link">
              {record.sealed ? "封存记录" : "签字封存"}
            </Link>
          ) : null}
          {canReview ? (
            <Link to={`/meetings/${meetingId}/reflections`} className="btn btn--small">
              心得体会审阅
            </Link>
          ) : null}
        </nav>
      )}
      {mine?.ok ? (
        <p className="alert alert--ok host-bar__msg" role="status">
          {mine.ok}
        </p>
      ) : mine?.formError ? (
        <p className="alert alert--error host-bar__msg" role="alert">
          {mine.formError}
        </p>
      ) : null}
    </section>
  );
}

export function AgendaCard({
  agenda,
  currentItemId,
  ended,
  canRun,
  busy,
  error,
}: {
  agenda: { id: string; title: string }[];
  currentItemId: string | null;
  /** The session is over: no item is under way any more, whatever the host last moved to. */
  ended: boolean;
  canRun: boolean;
  busy: boolean;
  error?: string;
}) {
  if (agenda.length === 0) return null;
  if (ended) {
    currentItemId = null;
    canRun = false;
  }
  const at = agenda.findIndex((a) => a.id === currentItemId);
  const prev = at > 0 ? agenda[at - 1] : null;
  const next = at < agenda.length - 1 ? agenda[at + 1] : null;
  return (
    <section className="card session-agenda" aria-labelledby="agenda-heading">
      <div className="session-agenda__head">
        <h2 className="h3" id="agenda-heading">
          议程
        </h2>
        {ended ? (
          <span className="tag tag--muted" data-testid="agenda-status">
            已结束
          </span>
        ) : null}
        {canRun ? (
          <Form method="post" className="session-agenda__nav">
            <input type="hidden" name="intent" value="agenda" />
            <button className="btn btn--small" name="itemId" value={prev?.id ?? ""} disabled={busy || at < 0}>
              上一项
            </button>
            <button
              className="btn btn--small btn--primary"
              name="itemId"
              value={next?.id ?? ""}
              disabled={busy || !next}
              data-testid="agenda-next"
            >
              {at < 0 ? "开始第一项" : "下一项"}
            </button>
          </Form>
        ) : null}
      </div>
      {error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}
      <ol className={ended ? "session-agenda__list is-ended" : "session-agenda__list"} data-testid="agenda">
        {agenda.map((a, i) => {
          const current = a.id === currentItemId;
          return (
            <li
              key={a.id}
              className={current ? "session-agenda__item is-current" : "session-agenda__item"}
              aria-current={current ? "step" : undefined}
            >
              <span className="session-agenda__num" aria-hidden="true">
                {i + 1}
              </span>
              <span className="session-agenda__title">{a.title}</span>
              {current ? <span className="tag tag--green">正在进行</span> : null}
              {canRun && !current ? (
                <Form method="post" className="session-agenda__go">
                  <input type="hidden" name="intent" value="agenda" />
                  <button
                    className="link-btn"
                    name="itemId"
                    value={a.id}
                    disabled={busy}
                    aria-label={`切换到：${a.title}`}
                  >
                    切换到此项
                  </button>
                </Form>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export function PresenceCard({
  present,
  connected,
  people,
  phase,
  meetingId,
  form = "onsite",
  myMode = null,
}: {
  /** Who has the page open now; the viewer is always among them. */
  present: PresentUser[];
  connected: boolean;
  people: { id: string; name: string; role: string; present: boolean }[];
  phase: string;
  meetingId: string;
  /** The meeting's form (decision 028): what being on this page records. */
  form?: MeetingForm;
  /** The viewer's own attendance mode, once recorded. */
  myMode?: AttendanceMode | null;
}) {
  if (phase === "ended") return <AttendedCard people={people} meetingId={meetingId} />;
  const listed = new Set(people.map((p) => p.id));
  const signedIn = people.filter((p) => p.role === "attendee" && p.present).length;
  const expected = people.filter((p) => p.role === "attendee").length;
  return (
    <section className="card presence" aria-labelledby="presence-heading">
      <div className="presence__head">
        <h2 className="h3" id="presence-heading">
          在线
        </h2>
        <span className="presence__count">
          <span data-testid="presence-count">{present.length} 人</span>
          {connected ? null : <span className="presence__connecting">连接中</span>}
        </span>
      </div>
      <ul className="presence__list" data-testid="presence">
        {present.map((u) => (
          <li key={u.id} className="presence__person">
            <span className="presence__avatar" style={{ background: u.color }} aria-hidden="true">
              {u.name.slice(-2)}
            </span>
            <span>{u.name}</span>
            {listed.has(u.id) ? null : <span className="presence__note">旁听</span>}
          </li>
        ))}
      </ul>
      <p className="presence__foot">
        {phase === "scheduled"
          ? `会议开始后，在本页的参会人员计为${PAGE_RECORDS[form]}。`
          : `已签到 ${signedIn} / 应到 ${expected} 人`}
        {" · "}
        <Link to={`/meetings/${meetingId}/attendance`}>考勤详情</Link>
      </p>
      {form === "mixed" && phase === "started" && myMode === "online" ? (
        <p className="presence__mode" data-testid="presence-mode">
          你记为线上参会。在会场？
          <Link to={`/meetings/${meetingId}/attendance`}>输入签到码改为现场</Link>
        </p>
      ) : null}
    </section>
  );
}

/** What being on the session page records, by the meeting's form (decision 028). */
const PAGE_RECORDS: Record<MeetingForm, string> = {
  onsite: "现场出席",
  online: "线上出席",
  mixed: "线上出席；在会场的同志用签到码签到，计为现场",
};

/** After the end: who attended (from the frozen attendance), not who happens to have the page open. */
function AttendedCard({
  people,
  meetingId,
}: {
  people: { id: string; name: string; role: string; present: boolean }[];
  meetingId: string;
}) {
  const attendees = people.filter((p) => p.role === "attendee");
  const came = attendees.filter((p) => p.present);
  const guests = people.filter((p) => p.role === "guest" && p.present);
  const missing = attendees.length - came.length;
  return (
    <section className="card presence presence--ended" aria-labelledby="presence-heading" data-testid="attended">
      <div className="presence__head">
        <h2 className="h3" id="presence-heading">
          出席
        </h2>
        <span className="presence__tally">
          实到 {came.length} / 应到 {attendees.length} 人
        </span>
      </div>
      {came.length + guests.length > 0 ? (
        <ul className="presence__list">
          {[...came, ...guests].map((p) => (
            <li key={p.id} className="presence__person">
              <span className="presence__avatar" style={{ background: userColor(p.id) }} aria-hidden="true">
                {p.name.slice(-2)}
              </span>
              <span>{p.name}</span>
              {p.role === "guest" ? <span className="presence__note">列席</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">没有出席记录。</p>
      )}
      <p className="presence__foot">
        {missing > 0 ? `未出席 ${missing} 人 · ` : "应到的同志全部出席 · "}
        <Link to={`/meetings/${meetingId}/attendance`}>考勤详情</Link>
      </p>
    </section>
  );
}

export function MinutesEditors({
  editors,
  people,
  busy,
  result,
}: {
  editors: { id: string; name: string }[];
  people: { id: string; name: string }[];
  busy: boolean;
  result?: Reply;
}) {
  const taken = new Set(editors.map((e) => e.id));
  const candidates = people.filter((p) => !taken.has(p.id));
  return (
    <section className="card co-editors" aria-labelledby="co-editors-heading">
      <h2 className="h3" id="co-editors-heading">
        协同记录
      </h2>
      <p className="muted co-editors__hint">记录人、主持人和支委可编辑会议记录；还可以允许其他参会人员协助记录。</p>
      {editors.length > 0 ? (
        <ul className="co-editors__list">
          {editors.map((e) => (
            <li key={e.id}>
              <span>{e.name}</span>
              <Form method="post">
                <input type="hidden" name="intent" value="editor" />
                <input type="hidden" name="userId" value={e.id} />
                <input type="hidden" name="allowed" value="0" />
                <button className="link-btn" disabled={busy} aria-label={`取消 ${e.name} 的协同记录`}>
                  取消
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : null}
      {candidates.length > 0 ? (
        <Form method="post" className="co-editors__add">
          <input type="hidden" name="intent" value="editor" />
          <input type="hidden" name="allowed" value="1" />
          <label className="sr-only" htmlFor="co-editor">
            选择协同记录人
          </label>
          <select id="co-editor" name="userId" className="input" defaultValue="">
            <option value="" disabled>
              选择参会人员…
            </option>
            {candidates.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <button className="btn btn--small" disabled={busy}>
            允许协同记录
          </button>
        </Form>
      ) : null}
      {result?.ok ? (
        <p className="alert alert--ok" role="status">
          {result.ok}
        </p>
      ) : result?.formError || result?.fieldErrors ? (
        <p className="alert alert--error" role="alert">
          {result.formError ?? Object.values(result.fieldErrors ?? {})[0]}
        </p>
      ) : null}
    </section>
  );
}

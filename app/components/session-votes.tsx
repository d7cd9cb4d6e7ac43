import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { MeetingVotes, VoteView } from "../../server/services/session/votes";
import type { MeetingKind } from "../../shared/domain/labels";
import { CHOICES, CHOICE_LABEL, type Choice, type Quorum } from "../../shared/domain/votes";
import { formatTime } from "../lib/format";
import votesCss from "../styles/votes.css?url";
import { ConfirmButton } from "./confirm-dialog";
import { FieldError, FormAlert } from "./people";

// The votes of a 支部党员大会 as the live session shows them: the quorum, the host's form to open
// a vote, the open vote with the ballot buttons (or why the viewer may not vote), live counts (a
// secret ballot's split only once it is closed), the host's close and written opinions of absent
// voters, and the closed votes with their results. SessionVotes loads the data from
// /meetings/<id>/votes and reloads when the session's `rev` moves; VotesPanel is the panel
// itself, which that route also renders on its own page. Every form posts to that route; before
// the page is hydrated (no JavaScript) the forms carry `redirectTo` so the browser comes back.

/** Link this from a route that shows the panel: `links = () => [...votesStyles]`. */
export const votesStyles = [{ rel: "stylesheet", href: votesCss }];

/** A reply of the votes route's action. */
/**
 * What the votes route's loader answers (app/routes/meetings.$meetingId_.votes.tsx), as far as the
 * panel reads it: declared here, so the panel and its route do not import each other's types.
 */
export interface VotesPageData {
  meeting: { id: string; kind: MeetingKind };
  agenda: AgendaOption[];
  votes: MeetingVotes;
}

export interface VotesReply {
  ok?: string;
  /** The change was made, but something after it was not (the minutes could not be written). */
  warning?: string;
  formError?: string;
  fieldErrors?: Record<string, string>;
  /** Which form: "open", or "<intent>:<voteId>". */
  intent?: string;
}

export interface AgendaOption {
  id: string;
  title: string;
}

/**
 * The votes panel of the live session page. `rev` is the session's change counter: whenever it
 * moves the panel reloads. `agenda` fills the open-vote form's agenda select (the route's own
 * list when absent); `agendaItemId`, the item under discussion, is preselected there.
 */
export function SessionVotes({
  meetingId,
  rev,
  agenda,
  agendaItemId = null,
}: {
  meetingId: string;
  rev: number;
  agenda?: AgendaOption[];
  agendaItemId?: string | null;
}) {
  const fetcher = useFetcher<VotesPageData>();
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  useEffect(() => {
    // Offline, a failed load would replace the session page with the error page; the next
    // change after reconnecting reloads.
    if (fetcher.data && typeof navigator !== "undefined" && navigator.onLine === false) return;
    // A newer load (the next change) aborts this one; an abort is nothing to report.
    void Promise.resolve(load.current(`/meetings/${meetingId}/votes`)).catch(() => {});
    // fetcher.data is only read to tell the first load from the others.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [meetingId, rev]);
  const d = fetcher.data;
  if (!d || d.meeting.id !== meetingId)
    return (
      <section className="votes" aria-busy="true" aria-label="表决">
        <div className="card votes-skeleton">
          <span className="votes-skeleton__line" />
          <span className="votes-skeleton__line votes-skeleton__line--short" />
        </div>
      </section>
    );
  return (
    <VotesPanel
      meetingId={meetingId}
      kind={d.meeting.kind}
      data={d.votes}
      agenda={agenda ?? d.agenda}
      agendaItemId={agendaItemId}
      returnTo={`/meetings/${meetingId}`}
    />
  );
}

interface Ctx {
  /** The votes route, where every form posts. */
  action: string;
  /** Where a form without JavaScript comes back to. */
  returnTo: string;
  hydrated: boolean;
  /** A reply rendered by the server (a form posted without JavaScript). */
  reply?: VotesReply;
}

/** The panel with its data: the live session page (through SessionVotes) and the votes page. */
export function VotesPanel({
  meetingId,
  kind,
  data,
  agenda,
  agendaItemId = null,
  reply,
  returnTo,
}: {
  meetingId: string;
  kind: MeetingKind;
  data: MeetingVotes;
  agenda: AgendaOption[];
  agendaItemId?: string | null;
  reply?: VotesReply;
  returnTo: string;
}) {
  // Opening and closing reply here, at the panel: the forms they come from leave the page.
  const panel = useFetcher<VotesReply>({ key: `votes-panel:${meetingId}` });
  const hydrated = useHydrated();
  const ctx: Ctx = { action: `/meetings/${meetingId}/votes`, returnTo, hydrated, reply };
  if (kind !== "general_assembly" && data.votes.length === 0) return null;
  const manage = data.access === "manage";
  // After the end only results are left: no quorum to reach, nothing to open or cast.
  const ended = data.ended;
  const open = data.votes.find((v) => v.status === "open") ?? null;
  const closed = data.votes.filter((v) => v.status === "closed");
  const top = pick([panel.data, reply], (k) => k === "open" || k.startsWith("close:"));
  // A refusal shows at its form while the form is on the page, here otherwise.
  const formShown = top?.intent === "open" ? manage && !open : top?.intent === `close:${open?.id}`;

  return (
    <section className="votes" aria-labelledby="votes-heading" data-testid="session-votes">
      <div className="votes__head">
        <h2 className="h3" id="votes-heading">
          表决
        </h2>
        {ended ? (
          <span className="tag tag--muted">会议已结束</span>
        ) : data.quorum.expected > 0 ? (
          <span className={data.quorum.holds ? "tag tag--green" : "tag tag--gold"}>
            {data.quorum.holds ? "已达法定人数" : "未达法定人数"}
          </span>
        ) : null}
      </div>

      {ended ? null : <QuorumCard quorum={data.quorum} />}

      {top?.warning ? (
        <p className="alert" role="alert" data-testid="votes-warning">
          {top.ok ? `${top.ok}` : null}
          {top.warning}
        </p>
      ) : top && (top.ok || (top.formError && !formShown)) ? (
        <FormAlert ok={top.ok} error={top.formError} />
      ) : null}

      {open ? <OpenVoteCard key={open.id} vote={open} ctx={ctx} panel={panel} /> : null}

      {manage && !open && !ended ? (
        <OpenVoteForm
          key={`${data.votes.length}:${agendaItemId ?? ""}`}
          data={data}
          agenda={agenda}
          agendaItemId={agendaItemId}
          ctx={ctx}
          panel={panel}
          reply={top?.intent === "open" ? top : undefined}
          folded={closed.length > 0}
        />
      ) : null}

      {ended && !open && closed.length === 0 ? (
        <div className="card votes-empty">
          <p className="votes-empty__title">本次会议没有进行表决</p>
        </div>
      ) : !manage && !open && closed.length === 0 ? (
        <div className="card votes-empty">
          <p className="votes-empty__title">暂无表决</p>
          <p className="muted small">主持人发起表决后，到会的有表决权党员可以在这里投票。</p>
        </div>
      ) : null}

      {closed.length > 0 ? (
        <div className="votes__closed">
          <h3 className="votes__subhead">已结束的表决</h3>
          <ul className="votes__list">
            {closed.map((v) => (
              <li key={v.id}>
                <ClosedVoteCard vote={v} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------

type Fetcher = ReturnType<typeof useFetcher<VotesReply>>;

/** True once the page is hydrated: until then forms post natively and carry `redirectTo`. */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** The first of the replies that belongs to the forms `belongs` accepts. */
function pick(replies: (VotesReply | undefined)[], belongs: (key: string) => boolean): VotesReply | undefined {
  return replies.find((r) => r?.intent !== undefined && belongs(r.intent));
}

/** The hidden fields every form carries. */
function Hidden({ ctx, intent, voteId }: { ctx: Ctx; intent: string; voteId?: string }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      {voteId ? <input type="hidden" name="voteId" value={voteId} /> : null}
      {ctx.hydrated ? null : <input type="hidden" name="redirectTo" value={ctx.returnTo} />}
    </>
  );
}

export function quorumLine(q: Quorum): string {
  if (q.expected === 0) return "本次会议的应到名单中没有有表决权的党员，不能表决。";
  return q.holds
    ? `应到有表决权党员 ${q.expected} 人，实到 ${q.present} 人，超过半数，可以表决。`
    : `应到有表决权党员 ${q.expected} 人，实到 ${q.present} 人，未超过半数（至少需 ${q.needed} 人），暂不能表决。`;
}

function QuorumCard({ quorum: q }: { quorum: Quorum }) {
  const pct = (n: number) => (q.expected > 0 ? Math.min(100, (n / q.expected) * 100) : 0);
  return (
    <div className="card votes-quorum" data-holds={q.holds ? "yes" : "no"}>
      <p className="votes-quorum__line" data-testid="votes-quorum">
        {quorumLine(q)}
      </p>
      {q.expected > 0 ? (
        <div className="votes-quorum__meter" aria-hidden="true">
          <span className="votes-quorum__fill" style={{ width: `${pct(q.present)}%` }} />
          <span className="votes-quorum__mark" style={{ left: `${pct(q.needed)}%` }} />
        </div>
      ) : null}
      {q.expected > 0 ? (
        <p className="votes-quorum__legend">
          <span>实到 {q.present}</span>
          <span>过半需 {q.needed} 人</span>
          <span>应到 {q.expected}</span>
        </p>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Opening a vote
// ---------------------------------------------------------------------------------------------

function OpenVoteForm({
  data,
  agenda,
  agendaItemId,
  ctx,
  panel,
  reply,
  folded,
}: {
  data: MeetingVotes;
  agenda: AgendaOption[];
  agendaItemId: string | null;
  ctx: Ctx;
  panel: Fetcher;
  reply?: VotesReply;
  /** After the first vote the form folds away, so the results stay in view. */
  folded: boolean;
}) {
  const busy = panel.state !== "idle" && panel.formData?.get("intent") === "open";
  const [matter, setMatter] = useState("");
  const written = data.matters.find((m) => m.value === matter)?.writtenCounts ?? false;
  const err = reply && !reply.ok ? reply : undefined;
  if (data.openRefusal)
    return (
      <section className="card votes-open" aria-labelledby="votes-open-heading">
        <h3 className="h3" id="votes-open-heading">
          发起表决
        </h3>
        <p className="votes-open__refusal small" data-testid="votes-open-refusal">
          {data.openRefusal}
        </p>
        {err?.formError && err.formError !== data.openRefusal ? <FormAlert error={err.formError} /> : null}
      </section>
    );
  const fe = err?.fieldErrors ?? {};
  const form = (
    <panel.Form method="post" action={ctx.action} className="form votes-open__form" noValidate>
      <Hidden ctx={ctx} intent="open" />
      <label className="field">
        <span className="field__label">表决类别</span>
        <select
          className="select"
          name="matter"
          value={matter}
          onChange={(e) => setMatter(e.target.value)}
          aria-invalid={fe.matter ? true : undefined}
          aria-describedby="vote-matter-error"
        >
          <option value="" disabled>
            请选择
          </option>
          {data.matters.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <FieldError id="vote-matter-error" message={fe.matter} />
      </label>
      <label className="field">
        <span className="field__label">表决事项</span>
        <input
          className="input"
          name="title"
          maxLength={100}
          placeholder="如：接收赵敏同志为中共预备党员"
          autoComplete="off"
          aria-invalid={fe.title ? true : undefined}
          aria-describedby="vote-title-error"
        />
        <FieldError id="vote-title-error" message={fe.title} />
      </label>
      <fieldset className="field votes-mode">
        <legend className="field__label">表决方式</legend>
        <div className="votes-mode__options">
          <label className="votes-mode__opt">
            <input type="radio" name="secret" value="0" defaultChecked />
            <span className="votes-mode__text">
              <span className="votes-mode__name">公开表决</span>
              <span className="votes-mode__hint">举手表决，名单上显示每人的选择</span>
            </span>
          </label>
          <label className="votes-mode__opt">
            <input type="radio" name="secret" value="1" />
            <span className="votes-mode__text">
              <span className="votes-mode__name">无记名投票</span>
              <span className="votes-mode__hint">只计票数，结束后才公布赞成、反对、弃权</span>
            </span>
          </label>
        </div>
      </fieldset>
      {agenda.length > 0 ? (
        <label className="field">
          <span className="field__label">所属议程（可选）</span>
          <select
            className="select"
            name="agendaItemId"
            defaultValue={agenda.some((a) => a.id === agendaItemId) ? (agendaItemId ?? "") : ""}
            aria-invalid={fe.agendaItemId ? true : undefined}
            aria-describedby="vote-item-error"
          >
            <option value="">不关联议程</option>
            {agenda.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title}
              </option>
            ))}
          </select>
          <FieldError id="vote-item-error" message={fe.agendaItemId} />
        </label>
      ) : null}
      <p className="field__hint">
        {written
          ? "接收预备党员：因故不能到会的有表决权党员会前提交的书面意见计入票数，可在表决中登记。"
          : "发起后，到会的有表决权党员即可在手机上投票；赞成票超过应到有表决权党员半数才算通过。"}
      </p>
      {err?.formError && Object.keys(fe).length === 0 ? <FormAlert error={err.formError} /> : null}
      <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
        {busy ? "正在发起…" : "发起表决"}
      </button>
    </panel.Form>
  );
  if (folded)
    return (
      <details className="card votes-open votes-open--folded" open={Boolean(err) || undefined}>
        <summary className="votes-open__summary">
          <span className="h3">发起新的表决</span>
        </summary>
        {form}
      </details>
    );
  return (
    <section className="card votes-open" aria-labelledby="votes-open-heading">
      <h3 className="h3" id="votes-open-heading">
        发起表决
      </h3>
      {form}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// The open vote
// ---------------------------------------------------------------------------------------------

const secrecyLabel = (v: VoteView) => (v.secret ? "无记名投票" : "公开表决");

function OpenVoteCard({ vote, ctx, panel }: { vote: VoteView; ctx: Ctx; panel: Fetcher }) {
  const taken = vote.cast.ballots + vote.cast.written;
  const expected = vote.quorum.expected;
  const waiting = vote.electors.filter((e) => e.present && !e.voted).length;
  return (
    <article className="card vote vote--open" aria-labelledby={`vote-${vote.id}`} data-testid="vote-open">
      <div className="vote__head">
        <span className="vote__live">
          <span className="vote__pulse" aria-hidden="true" />
          表决进行中
        </span>
        <span className="tag tag--outline">{vote.matterLabel}</span>
        <span className="tag tag--muted">{secrecyLabel(vote)}</span>
      </div>
      <h3 className="vote__title" id={`vote-${vote.id}`}>
        {vote.title}
      </h3>
      {vote.agendaItem ? <p className="vote__item">议程：{vote.agendaItem.title}</p> : null}

      <div className="vote__progress" data-testid="vote-progress">
        <p className="vote__progress-row">
          <span>
            已投票 <strong className="vote__num">{vote.cast.ballots}</strong> 人
            {vote.cast.written > 0 ? (
              <>
                {" "}
                · 书面意见 <strong className="vote__num">{vote.cast.written}</strong> 份
              </>
            ) : null}
          </span>
          <span className="muted">应投 {expected} 人</span>
        </p>
        <span className="vote__bar" aria-hidden="true">
          <span style={{ width: `${expected > 0 ? Math.min(100, (taken / expected) * 100) : 0}%` }} />
        </span>
        <p className="vote__progress-sub">
          {waiting > 0 ? `到会的有表决权党员中还有 ${waiting} 人未投票` : "到会的有表决权党员都已投票"}
        </p>
      </div>

      {vote.tally ? (
        <TallyCells
          counts={{
            for: vote.tally.ballots.for + (vote.writtenCounts ? vote.tally.written.for : 0),
            against: vote.tally.ballots.against + (vote.writtenCounts ? vote.tally.written.against : 0),
            abstain: vote.tally.ballots.abstain + (vote.writtenCounts ? vote.tally.written.abstain : 0),
          }}
          live
        />
      ) : (
        <p className="vote__secret">无记名投票：结束前只显示投票人数，结束后公布赞成、反对、弃权票数。</p>
      )}

      <MyBallot vote={vote} ctx={ctx} />

      {vote.canRecordWritten ? <WrittenOpinionForm vote={vote} ctx={ctx} /> : null}
      {vote.canClose ? <CloseVote vote={vote} ctx={ctx} panel={panel} waiting={waiting} /> : null}

      <Electors vote={vote} />
    </article>
  );
}

function TallyCells({ counts, live = false }: { counts: Record<Choice, number>; live?: boolean }) {
  return (
    <dl className="vote__tally" data-testid={live ? "vote-live-tally" : "vote-tally"}>
      {CHOICES.map((c) => (
        <div key={c} className="vote__tally-cell" data-choice={c}>
          <dt>{CHOICE_LABEL[c]}</dt>
          <dd>{counts[c]}</dd>
        </div>
      ))}
    </dl>
  );
}

function MyBallot({ vote, ctx }: { vote: VoteView; ctx: Ctx }) {
  const fetcher = useFetcher<VotesReply>();
  const key = `cast:${vote.id}`;
  const r = pick([fetcher.data, ctx.reply], (k) => k === key);
  const sending = fetcher.state === "submitting" ? (fetcher.formData?.get("choice") as Choice | null) : null;
  const { me } = vote;
  if (me.voted === "ballot" || me.voted === "written")
    return (
      <p className="vote__done" data-testid="vote-done">
        <span className="vote__check" aria-hidden="true">
          ✓
        </span>
        <span>
          {me.voted === "written"
            ? "已登记了你的书面意见。"
            : me.choice
              ? `你已投票：${CHOICE_LABEL[me.choice]}`
              : "你已投票（无记名，只计票数）"}
        </span>
      </p>
    );
  if (!me.canVote)
    return (
      <div className="vote__reason" data-testid="vote-reason">
        <p>{me.reason}</p>
        {r?.formError ? <FormAlert error={r.formError} /> : null}
      </div>
    );
  return (
    <fetcher.Form method="post" action={ctx.action} className="ballot" aria-label={`对“${vote.title}”投票`}>
      <Hidden ctx={ctx} intent="cast" voteId={vote.id} />
      <p className="ballot__prompt">
        {sending ? `正在提交：${CHOICE_LABEL[sending]}…` : "请投票：每人一票，投出后不能更改。"}
      </p>
      <div className="ballot__buttons">
        {CHOICES.map((c) => (
          <button
            key={c}
            type="submit"
            name="choice"
            value={c}
            className={`ballot__btn ballot__btn--${c}`}
            disabled={sending !== null}
            aria-busy={sending === c ? true : undefined}
          >
            {CHOICE_LABEL[c]}
          </button>
        ))}
      </div>
      {r?.formError ? <FormAlert error={r.formError} /> : null}
    </fetcher.Form>
  );
}

function WrittenOpinionForm({ vote, ctx }: { vote: VoteView; ctx: Ctx }) {
  const fetcher = useFetcher<VotesReply>();
  const key = `written:${vote.id}`;
  const r = pick([fetcher.data, ctx.reply], (k) => k === key);
  const absent = vote.electors.filter((e) => !e.present && !e.voted);
  const busy = fetcher.state !== "idle";
  const failed = Boolean(r && !r.ok);
  return (
    <details className="panel vote__panel" open={failed || undefined} data-testid="vote-written">
      <summary>登记书面意见{absent.length > 0 ? `（${absent.length} 人未到会）` : ""}</summary>
      <div className="panel__body">
        <p className="field__hint">
          因故不能到会的有表决权党员在会前提交的书面意见计入票数，但不计入到会人数；到会的同志须本人投票。
        </p>
        {r?.ok ? <FormAlert ok={r.ok} /> : null}
        {absent.length === 0 ? (
          <p className="muted small">没有可登记的同志：有表决权党员都已到会、已投票或已登记。</p>
        ) : (
          <fetcher.Form
            key={vote.cast.written}
            method="post"
            action={ctx.action}
            className="form vote__written-form"
            noValidate
          >
            <Hidden ctx={ctx} intent="written" voteId={vote.id} />
            <label className="field">
              <span className="field__label">未到会的同志</span>
              <select
                className="select"
                name="userId"
                defaultValue=""
                aria-invalid={r?.fieldErrors?.userId ? true : undefined}
                aria-describedby={`written-user-${vote.id}`}
              >
                <option value="" disabled>
                  请选择
                </option>
                {absent.map((e) => (
                  <option key={e.userId} value={e.userId}>
                    {e.name}
                  </option>
                ))}
              </select>
              <FieldError id={`written-user-${vote.id}`} message={r?.fieldErrors?.userId} />
            </label>
            <fieldset className="field">
              <legend className="field__label">书面意见</legend>
              <div className="votes-choice">
                {CHOICES.map((c) => (
                  <label key={c} className="votes-choice__opt" data-choice={c}>
                    <input type="radio" name="choice" value={c} />
                    <span>{CHOICE_LABEL[c]}</span>
                  </label>
                ))}
              </div>
              <FieldError id={`written-choice-${vote.id}`} message={r?.fieldErrors?.choice} />
            </fieldset>
            {r?.formError && !r.fieldErrors ? <FormAlert error={r.formError} /> : null}
            <button className="btn btn--block" type="submit" disabled={busy}>
              {busy ? "正在登记…" : "登记书面意见"}
            </button>
          </fetcher.Form>
        )}
      </div>
    </details>
  );
}

function CloseVote({ vote, ctx, panel, waiting }: { vote: VoteView; ctx: Ctx; panel: Fetcher; waiting: number }) {
  const busy = panel.state !== "idle" && panel.formData?.get("voteId") === vote.id;
  const key = `close:${vote.id}`;
  const r = pick([panel.data, ctx.reply], (k) => k === key);
  return (
    <panel.Form method="post" action={ctx.action} className="vote__close">
      <Hidden ctx={ctx} intent="close" voteId={vote.id} />
      <p className="small muted">结束后不能再投票，结果将写入会议记录的“会议决议”。</p>
      {r?.formError ? <FormAlert error={r.formError} /> : null}
      <div className="vote__close-buttons">
        <ConfirmButton
          className="btn btn--primary"
          disabled={busy}
          confirm={{
            title: "结束表决？",
            message: (
              <>
                {waiting > 0 ? (
                  <p>
                    还有 <strong>{waiting}</strong> 位到会的有表决权党员未投票，结束后他们不能再投。
                  </p>
                ) : null}
                <p>“{vote.title}”的结果将按现有票数计算，写入会议记录的“会议决议”，不能撤销。</p>
              </>
            ),
            confirmLabel: "结束表决",
            cancelLabel: "再等等",
            tone: "primary",
          }}
        >
          {busy ? "正在结束…" : "结束表决"}
        </ConfirmButton>
      </div>
    </panel.Form>
  );
}

const VIA_LABEL = { ballot: "已投票", written: "书面意见" } as const;

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");

function Electors({ vote }: { vote: VoteView }) {
  const done = vote.electors.filter((e) => e.voted).length;
  const people = [...vote.electors].sort((a, b) => byPinyin.compare(a.name, b.name));
  return (
    <details className="vote__people">
      <summary>
        有表决权党员 {vote.electors.length} 人 · 已表态 {done} 人
      </summary>
      <ul className="vote__people-list">
        {people.map((e) => (
          <li key={e.userId} className="vote__person">
            <span className="avatar vote__avatar" aria-hidden="true">
              {e.name.slice(-2)}
            </span>
            <span className="vote__person-name">{e.name}</span>
            {vote.status === "open" ? (
              <span className={e.present ? "tag tag--green" : "tag tag--muted"}>{e.present ? "到会" : "未到"}</span>
            ) : null}
            <span className="vote__person-state" data-choice={e.choice ?? undefined}>
              {e.voted
                ? e.choice
                  ? `${e.voted === "written" ? "书面意见：" : ""}${CHOICE_LABEL[e.choice]}`
                  : VIA_LABEL[e.voted]
                : "未表态"}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

// ---------------------------------------------------------------------------------------------
// Closed votes
// ---------------------------------------------------------------------------------------------

function ClosedVoteCard({ vote }: { vote: VoteView }) {
  const r = vote.result!;
  const writtenN = r.written.for + r.written.against + r.written.abstain;
  return (
    <article
      className={`card vote vote--closed ${r.passed ? "vote--passed" : "vote--failed"}`}
      aria-labelledby={`vote-${vote.id}`}
      data-testid="vote-closed"
    >
      <div className="vote__head">
        <span className={`vote__verdict vote__verdict--${r.passed ? "pass" : "fail"}`}>
          {r.passed ? "通过" : "未通过"}
        </span>
        <span className="tag tag--outline">{vote.matterLabel}</span>
        <span className="tag tag--muted">{secrecyLabel(vote)}</span>
      </div>
      <h3 className="vote__title" id={`vote-${vote.id}`}>
        {vote.title}
      </h3>
      {vote.agendaItem ? <p className="vote__item">议程：{vote.agendaItem.title}</p> : null}
      <TallyCells counts={{ for: r.inFavour, against: r.against, abstain: r.abstain }} />
      <p className="vote__rule" data-testid="vote-rule">
        {r.passed
          ? `赞成票超过应到有表决权党员半数（至少 ${r.needed} 票），通过。`
          : `赞成票未超过应到有表决权党员半数（需至少 ${r.needed} 票），未通过。`}
      </p>
      <p className="vote__facts">
        应到有表决权党员 {r.expected} 人，实到 {r.present} 人
        {r.writtenCounted && writtenN > 0
          ? `；含书面意见 ${writtenN} 份（赞成 ${r.written.for}、反对 ${r.written.against}、弃权 ${r.written.abstain}）`
          : ""}
        。
      </p>
      <p className="vote__minutes">
        <span className="vote__check vote__check--small" aria-hidden="true">
          ✓
        </span>
        <span>
          结果已写入会议记录
          {vote.closedAt ? (
            <span className="muted">
              {" "}
              · {formatTime(vote.closedAt)}
              {vote.closedByName ? ` ${vote.closedByName}宣布结束` : " 结束"}
            </span>
          ) : null}
        </span>
      </p>
      {!vote.secret && vote.electors.length > 0 ? <Electors vote={vote} /> : null}
    </article>
  );
}

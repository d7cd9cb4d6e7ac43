import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { attendanceView } from "../../server/services/session/attendance";
import { sessionView } from "../../server/services/session/session";
import { votesFor } from "../../server/services/session/votes";
import { userColor } from "../../shared/colors";
import { CHOICE_LABEL } from "../../shared/domain/votes";
import { canManage } from "../../shared/permissions";
import { Logo } from "../components/logo";
import { useIdleRevalidate } from "../components/use-idle-revalidate";
import { useLiveSession } from "../components/use-live-session";
import { requireActor } from "../lib/actor.server";
import { loaded } from "../lib/form-errors.server";
import { formatRange } from "../lib/format";
import { signinBoard } from "../lib/signin-board.server";
import { signinCodeStyles, SigninCode } from "../components/signin-code";
import screenCss from "../styles/screen.css?url";

// 投屏: the session as the room sees it on the projector, opened by the host from the session
// page in a tab of its own. The agenda item under discussion in large type, the sign-in code and
// its QR while sign-in is open (only for whoever manages the attendance, as on the attendance
// page; it turns every 30 seconds and the screen with it), how many have come, the vote under
// way and a vote's result once it closes. Nothing personal: no names (not of those missing, nor
// of anyone), nobody's own cards, no controls but 全屏. The data below carries only what is
// shown, so no name reaches the projector's browser either. It follows the session's live
// channel like the session page does.

export const links: LinksFunction = () => [...signinCodeStyles, { rel: "stylesheet", href: screenCss }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `投屏 · ${data.meeting.title} · 同心` : "同心" },
];

/** How long the result of a vote that belongs to no agenda item stays on the screen. */
const RESULT_SHOWN_MS = 15 * 60_000;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  const now = new Date();
  const session = await loaded(sessionView(sql, actor.subject, meetingId, now));
  const view = await attendanceView(sql, actor.subject, meetingId, now);
  const board =
    canManage(view.access) && view.window.open
      ? await signinBoard(sql, actor, meetingId, new URL(request.url).origin, now)
      : null;
  const votes = session.kind === "general_assembly" ? await votesFor(sql, actor, meetingId) : null;
  const open = votes?.votes.find((v) => v.status === "open") ?? null;
  const closed = votes?.votes.filter((v) => v.status === "closed").at(-1) ?? null;
  const h = session.header;
  return {
    meeting: {
      id: meetingId,
      title: h.title,
      kindLabel: h.kindLabel,
      orgName: h.orgName,
      start: h.start,
      end: h.end,
      place: h.place,
    },
    phase: session.phase,
    agenda: session.agenda,
    currentItemId: session.currentItemId,
    turnout: { expected: h.expected.count, present: h.present.count },
    board,
    vote: open
      ? {
          status: "open" as const,
          title: open.title,
          matterLabel: open.matterLabel,
          secret: open.secret,
          cast: open.cast.ballots + open.cast.written,
          expected: open.quorum.expected,
        }
      : closed?.result
        ? {
            status: "closed" as const,
            // Shown while its agenda item is under discussion; without an item, for a while.
            agendaItemId: closed.agendaItem?.id ?? null,
            recent: closed.closedAt !== null && now.getTime() - closed.closedAt.getTime() < RESULT_SHOWN_MS,
            title: closed.title,
            matterLabel: closed.matterLabel,
            secret: closed.secret,
            passed: closed.result.passed,
            counts: { for: closed.result.inFavour, against: closed.result.against, abstain: closed.result.abstain },
            needed: closed.result.needed,
            expected: closed.result.expected,
          }
        : null,
    // For the live channel only (the server binds the connection to this user anyway).
    me: { id: user.id, name: user.displayName, color: userColor(user.id) },
  };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function ScreenPage() {
  const data = useLoaderData<typeof loader>();
  const { meeting, phase, agenda, board, turnout, vote } = data;
  const live = useLiveSession(meeting.id, data.me);
  const currentItemId = live.agendaItemId !== undefined ? live.agendaItemId : data.currentItemId;
  const shownVote =
    vote?.status === "closed" && !(vote.agendaItemId ? vote.agendaItemId === currentItemId : vote.recent) ? null : vote;
  const reload = useIdleRevalidate();
  // The code turns every 30 seconds: fetch the next one as this one runs out.
  useEffect(() => {
    if (!board) return;
    const timer = window.setTimeout(reload, Math.max(0, board.turnsInMs) + 300);
    return () => window.clearTimeout(timer);
  }, [board, reload]);

  return (
    <div className="screen" data-phase={phase}>
      <header className="screen__top">
        <div className="screen__brand">
          <Logo size={32} onRed />
          <span className="screen__org">{meeting.orgName}</span>
        </div>
        <div className="screen__heading">
          <p className="screen__eyebrow">
            <span className="screen__kind">{meeting.kindLabel}</span>
            <PhaseChip phase={phase} />
          </p>
          <h1 className="screen__title">{meeting.title}</h1>
          <p className="screen__facts">
            {formatRange(meeting.start, meeting.end)}
            {meeting.place ? ` · ${meeting.place}` : ""}
          </p>
        </div>
        <FullscreenButton />
      </header>

      <main className="screen__body">
        <section className="screen__agenda" aria-labelledby="screen-agenda">
          <h2 className="sr-only" id="screen-agenda">
            议程
          </h2>
          <Current agenda={agenda} currentItemId={currentItemId} phase={phase} />
          {/* The vote is what the room waits for: right under the item, above the fold. */}
          {shownVote ? <VotePanel vote={shownVote} /> : null}
          {agenda.length > 1 ? <AgendaList agenda={agenda} currentItemId={currentItemId} phase={phase} /> : null}
        </section>

        <aside className="screen__side" aria-label="会场">
          {board ? (
            <SigninCode
              variant="screen"
              board={board}
              hint="在手机上打开本次会议的“签到与请假”输入签到码，或扫码签到"
            />
          ) : null}
          <p className="screen__turnout" data-testid="screen-turnout">
            实到 <strong>{turnout.present}</strong> / 应到 {turnout.expected} 人
          </p>
        </aside>
      </main>
    </div>
  );
}

function PhaseChip({ phase }: { phase: string }) {
  const label = { scheduled: "未开始", started: "进行中", ended: "已结束", cancelled: "已取消" }[phase] ?? "";
  return <span className={`screen__phase screen__phase--${phase}`}>{label}</span>;
}

function Current({
  agenda,
  currentItemId,
  phase,
}: {
  agenda: Data["agenda"];
  currentItemId: string | null;
  phase: string;
}) {
  const at = agenda.findIndex((a) => a.id === currentItemId);
  const [label, title] =
    phase === "ended"
      ? ["", "会议已结束"]
      : phase === "cancelled"
        ? ["", "会议已取消"]
        : at >= 0
          ? [`第 ${at + 1} 项 / 共 ${agenda.length} 项`, agenda[at].title]
          : phase === "scheduled"
            ? ["", "会议即将开始"]
            : [
                agenda.length > 0 ? `共 ${agenda.length} 项议程` : "",
                agenda.length > 0 ? "尚未开始议程" : "会议进行中",
              ];
  return (
    <div className="screen__current" data-testid="screen-current" aria-live="polite">
      {label ? <p className="screen__current-label">{label}</p> : null}
      <p className="screen__current-title">{title}</p>
    </div>
  );
}

function AgendaList({
  agenda,
  currentItemId,
  phase,
}: {
  agenda: Data["agenda"];
  currentItemId: string | null;
  phase: string;
}) {
  const at = phase === "ended" ? agenda.length : agenda.findIndex((a) => a.id === currentItemId);
  return (
    <ol className="screen__list">
      {agenda.map((a, i) => (
        <li
          key={a.id}
          className={i === at ? "screen__item is-current" : i < at ? "screen__item is-done" : "screen__item"}
          aria-current={i === at ? "step" : undefined}
        >
          <span className="screen__num" aria-hidden="true">
            {i < at ? "✓" : i + 1}
          </span>
          <span>{a.title}</span>
        </li>
      ))}
    </ol>
  );
}

function VotePanel({ vote }: { vote: NonNullable<Data["vote"]> }) {
  if (vote.status === "open")
    return (
      <section className="screen__vote screen__vote--open" data-testid="screen-vote" aria-live="polite">
        <p className="screen__vote-state">
          <span className="screen__pulse" aria-hidden="true" />
          表决进行中 · {vote.matterLabel} · {vote.secret ? "无记名投票" : "公开表决"}
        </p>
        <p className="screen__vote-title">{vote.title}</p>
        <p className="screen__vote-progress">
          已投票 <strong>{vote.cast}</strong> / 应投 {vote.expected} 人
        </p>
      </section>
    );
  return (
    <section
      className={`screen__vote screen__vote--${vote.passed ? "pass" : "fail"}`}
      data-testid="screen-vote"
      aria-live="polite"
    >
      <p className="screen__vote-state">
        表决结果 · {vote.matterLabel} · {vote.secret ? "无记名投票" : "公开表决"}
      </p>
      <p className="screen__vote-title">{vote.title}</p>
      <div className="screen__verdict-row">
        <span className="screen__verdict">{vote.passed ? "通过" : "未通过"}</span>
        <dl className="screen__tally">
          {(["for", "against", "abstain"] as const).map((c) => (
            <div key={c} data-choice={c}>
              <dt>{CHOICE_LABEL[c]}</dt>
              <dd>{vote.counts[c]}</dd>
            </div>
          ))}
        </dl>
      </div>
      <p className="screen__vote-rule">
        应到有表决权党员 {vote.expected} 人，赞成票须超过半数（至少 {vote.needed} 票）。
      </p>
    </section>
  );
}

/** The browser's full screen, where it has one (not on most phones); nothing is shown otherwise. */
function FullscreenButton() {
  const [state, setState] = useState<"none" | "off" | "on">("none");
  useEffect(() => {
    if (!document.fullscreenEnabled) return;
    const sync = () => setState(document.fullscreenElement ? "on" : "off");
    sync();
    document.addEventListener("fullscreenchange", sync);
    return () => document.removeEventListener("fullscreenchange", sync);
  }, []);
  if (state === "none") return null;
  return (
    <button
      type="button"
      className="screen__full"
      onClick={() =>
        void (state === "on" ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {})
      }
    >
      {state === "on" ? "退出全屏" : "全屏"}
    </button>
  );
}

import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { recordLink } from "../../server/services/archive/signoff";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { getMeetingFor } from "../../server/services/calendar/meetings";
import { meetingDetail } from "../../server/services/calendar/meeting-detail";
import { sessionReflections } from "../../server/services/reflections/overview";
import { lookBackFor } from "../../server/services/life/rectification";
import { criticismRound } from "../../server/services/life/criticism-round";
import { lifeCyclePanel } from "../../server/services/life/cycle-panel";
import {
  endLiveSession,
  moveAgenda,
  sessionView,
  setMinutesEditor,
  startLiveSession,
} from "../../server/services/session/session";
import { userColor } from "../../shared/colors";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { canManage, scheduleAccess } from "../../shared/permissions";
import { SessionActionSchema } from "../../shared/schemas/session";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { hasLifeCycle } from "../../shared/domain/life-cycle";
import { EditorFrame } from "../components/editor-frame";
import { ChevronLeftIcon, ClockIcon, FlagIcon, MicIcon, PeopleIcon, PinIcon } from "../components/icons";
import { MaterialsPanel, materialsStyles } from "../components/material-viewer";
import { SessionReflections } from "../components/session-reflections";
import { LookBackCard, lookBackStyles } from "../components/look-back";
import { LifeStages } from "../components/life-stages";
import { LifeAccessCard, LifeReportCard, LifeStudyCard, lifeCycleStyles } from "../components/life-cycle-panel";
import { SessionVotes, votesStyles } from "../components/session-votes";
import { MinutesHeaderView } from "../components/minutes-header";
import { AgendaCard, HostBar, MinutesEditors, PresenceCard } from "../components/session-parts";
import { useLiveSession } from "../components/use-live-session";
import { CriticismRound, criticismStyles } from "../components/criticism-round";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { invalid, refused, type FormErrors } from "../lib/form-errors.server";
import { formatRange } from "../lib/format";
import sessionCss from "../styles/session.css?url";
import editorCss from "../styles/editor.css?url";

// The live session page of a meeting: the agenda with the item the host has moved to, the study
// materials, who is here (live presence), votes, 心得体会, and the minutes: a header the system
// fills from what it knows, above the body the 记录人 and co-editors write together. The host
// starts and ends the session here. Everything follows live through the session's channel
// (use-live-session.ts), which reloads this loader when the server says something changed.

// The editor touches the DOM and opens a WebSocket: it is loaded in the browser only.
const CollabEditor = lazy(() => import("../components/collab-editor"));

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: editorCss },
  { rel: "stylesheet", href: sessionCss },
  ...materialsStyles,
  ...votesStyles,
  ...lookBackStyles,
  ...criticismStyles,
  ...lifeCycleStyles,
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const found = await getMeetingFor(sql, actor.subject, params.meetingId ?? "");
  if (!found) notFound();
  const detail = (await meetingDetail(sql, found.scope))!;
  const session = await sessionView(sql, actor.subject, found.meeting.id);
  const reflections = await sessionReflections(sql, actor.subject, found.meeting.id);
  // 回头看 (decision 031): a 组织生活会 opens with the previous one's 整改清单.
  const lookBack = await lookBackFor(sql, actor.subject, found.meeting);
  // 批评与自我批评 (decision 035): the round of a 组织生活会, as this viewer may see it.
  const criticism = await criticismRound(sql, actor.subject, found.meeting.id);
  // The 组织生活会 cycle (decision 036): stages, study, reports upward, grants from above.
  const life = await lifeCyclePanel(sql, actor.subject, found.meeting.id);
  // After the end: the record page (sign-off and seal, decision 038) for those who may open it.
  const record = await recordLink(sql, actor.subject, found.scope);
  return {
    record,
    life,
    lookBack,
    criticism,
    reflections,
    meeting: found.meeting,
    detail,
    session,
    manage: canManage(
      scheduleAccess(actor.subject, { id: found.scope.org.id, kind: found.scope.org.kind, path: found.scope.orgPath }),
    ),
    docName: meetingMinutesDoc(found.meeting.id),
    me: { id: user.id, name: user.displayName, color: userColor(user.id) },
  };
}

type Result = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const parsed = SessionActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, String(form.intent ?? ""));
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "start":
        await startLiveSession(sql, live, actor, meetingId);
        return { ok: "会议已开始：在本页的参会人员已记为出席。", intent: "start" } satisfies Result;
      case "end": {
        const { makeups } = await endLiveSession(sql, live, actor, meetingId);
        const ok =
          makeups > 0 ? `会议已结束，考勤已冻结；已为 ${makeups} 位同志安排补学。` : "会议已结束，考勤已冻结。";
        return { ok, intent: "end" } satisfies Result;
      }
      case "agenda":
        await moveAgenda(sql, live, actor, meetingId, input.itemId);
        return { intent: "agenda" } satisfies Result;
      case "editor":
        await setMinutesEditor(sql, live, actor, meetingId, input.userId, input.allowed);
        return {
          ok: input.allowed ? "已允许协同记录。" : "已取消协同记录。",
          intent: "editor",
        } satisfies Result;
    }
  } catch (e) {
    return refused(e, input.intent);
  }
}

const PHASE: Record<string, { label: string; tone: string }> = {
  scheduled: { label: "未开始", tone: "tag tag--outline" },
  started: { label: "进行中", tone: "tag tag--green" },
  ended: { label: "已结束", tone: "tag tag--muted" },
  cancelled: { label: "已取消", tone: "tag tag--muted" },
};

export default function SessionPage() {
  const { meeting, detail, session, reflections, manage, docName, me, lookBack, criticism, life, record } =
    useLoaderData<typeof loader>();
  const result = useKeptActionData();
  const busy = useNavigation().state === "submitting";
  const mine = session.people.find((p) => p.id === me.id);
  const live = useLiveSession(meeting.id, me, {
    joiningRecords: session.phase === "started" && mine !== undefined && !mine.present,
  });
  const cancelled = session.phase === "cancelled";
  const ended = session.phase === "ended";
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const kind = MEETING_KIND_LABEL[meeting.kind];
  const phase = PHASE[session.phase];
  // The channel knows the agenda position before the page data reloads.
  const currentItemId = live.agendaItemId !== undefined ? live.agendaItemId : session.currentItemId;
  const canWrite = session.minutes.access === "write";
  const heading = (
    <div className="sheet__title">
      <h2 className="h3" id="minutes-heading">
        会议记录
      </h2>
      {canWrite ? null : <span className="tag tag--muted">只读</span>}
    </div>
  );

  return (
    <AppShell userName={me.name} wide>
      <nav className="crumbs" aria-label="位置">
        <Link to="/" className="crumbs__back">
          <ChevronLeftIcon size={16} />
          首页
        </Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{kind}</span>
      </nav>
      <MeetingHead
        tagsClassName="page-head__meta"
        tags={
          <>
            <span className="tag">{kind}</span>
            <span className={phase.tone} data-testid="session-phase">
              {phase.label}
            </span>
            {!cancelled ? (
              <Link to={`/meetings/${meeting.id}/attendance`} className="btn btn--small meeting-head__edit">
                {ended ? "考勤" : "签到与请假"}
              </Link>
            ) : null}
            {session.canRun && !cancelled && !ended ? (
              // 投屏: the room's view (screen route) in its own tab, for the projector, while this
              // page stays with the host to run the session.
              <Link
                to={`/meetings/${meeting.id}/screen`}
                target="_blank"
                rel="noopener"
                className="btn btn--small meeting-head__project"
                aria-label="投屏（在新标签页打开会场大屏）"
              >
                投屏
              </Link>
            ) : null}
            {/* A sealed record is kept, not corrected here (decision 038: 补正 is a new version). */}
            {manage && !cancelled && !record?.sealed ? (
              <Link to={`/meetings/${meeting.id}/edit`} className="btn btn--small">
                {/* Once started the meeting is on the record: only its place and agenda wording are corrected. */}
                {session.phase === "scheduled" ? "编辑/改期/取消" : "更正"}
              </Link>
            ) : null}
          </>
        }
        title={meeting.title}
        notice={
          cancelled ? (
            <p className="alert alert--error" role="status">
              此会议已取消{detail.cancelledReason ? `：${detail.cancelledReason}` : "。"}
            </p>
          ) : null
        }
        facts={[
          { icon: ClockIcon, label: "时间", value: formatRange(meeting.startsAt, meeting.endsAt) },
          {
            icon: PinIcon,
            label: "地点",
            value: (
              <>
                {meeting.location ?? (detail.onlineUrl ? "" : "线上")}
                {detail.onlineUrl ? (
                  <>
                    {meeting.location ? " · " : null}
                    <a href={detail.onlineUrl} target="_blank" rel="noopener noreferrer">
                      {meeting.location ? "线上参会" : "进入线上会议"}
                    </a>
                  </>
                ) : null}
              </>
            ),
          },
          detail.hostName
            ? {
                icon: MicIcon,
                label: "主持与记录",
                value: `主持人 ${detail.hostName}${detail.recorderName ? ` · 记录人 ${detail.recorderName}` : ""}`,
              }
            : null,
          detail.counts.attendees + detail.counts.guests > 0
            ? {
                icon: PeopleIcon,
                label: "参会人员",
                value: `应到 ${session.header.expected.count} 人 · 实到 ${session.header.present.count} 人${
                  detail.counts.guests ? ` · 列席 ${detail.counts.guests} 人` : ""
                }`,
              }
            : null,
          { icon: FlagIcon, label: "组织", value: meeting.orgName },
        ]}
      />
      {life ? <LifeStages stages={life.stages} detail={life.detail} /> : null}
      {lookBack ? <LookBackCard data={lookBack} orgId={meeting.orgId} /> : null}

      {session.canRun && !cancelled ? (
        <HostBar
          phase={session.phase}
          startRefusal={session.startRefusal}
          busy={busy}
          result={result}
          meetingId={meeting.id}
          canReview={reflections.review !== null}
          record={record}
        />
      ) : record ? (
        <p className="card" data-testid="record-line">
          {record.sealed ? "会议记录已签字封存，只读。" : "会议记录待主持人和记录人签字封存。"}{" "}
          <Link to={`/meetings/${meeting.id}/record`}>{record.sealed ? "查看封存记录" : "签字封存"}</Link>
        </p>
      ) : result?.formError && (result.intent === "start" || result.intent === "end") ? (
        <p className="alert alert--error" role="alert">
          {result.formError}
        </p>
      ) : null}

      {/* Two columns on a desktop or projector; on a phone the cards are one list, ordered by
          what a member needs first (session.css). */}
      <div className="session-grid">
        <div className="session-main">
          <div className="slot slot--agenda">
            <AgendaCard
              agenda={session.agenda}
              currentItemId={currentItemId}
              ended={ended}
              canRun={session.canRun && !ended && !cancelled}
              busy={busy}
              error={result?.intent === "agenda" ? result.formError : undefined}
            />
          </div>
          {criticism ? (
            <div className="slot slot--criticism">
              <CriticismRound meetingId={meeting.id} round={criticism} me={me} liveTurnId={live.criticismTurnId} />
            </div>
          ) : null}
          <div className="slot slot--materials">
            <MaterialsPanel materials={detail.materials} />
          </div>
          {meeting.kind === "general_assembly" && !cancelled ? (
            <div className="slot slot--votes">
              {/* The panel's data is reloaded with the page's (fetcher loads are revalidated). */}
              <SessionVotes
                meetingId={meeting.id}
                rev={0}
                agenda={session.agenda}
                agendaItemId={currentItemId ?? undefined}
              />
            </div>
          ) : null}
          {(meeting.kind === "member_review" || hasLifeCycle(meeting.kind)) && !cancelled ? (
            <div className="slot slot--votes">
              <section className="card section" aria-labelledby="review-link-heading">
                <h2 className="h3" id="review-link-heading">
                  民主评议党员
                </h2>
                <p className="muted">个人自评、党员互评和民主测评，以及支委会的评定意见。</p>
                <Link className="btn btn--primary" to={`/meetings/${meeting.id}/review`} data-testid="review-link">
                  进入民主评议
                </Link>
              </section>
            </div>
          ) : null}
          {life && !cancelled ? (
            <div className="slot slot--life">
              <LifeStudyCard meetingId={meeting.id} study={life.study} />
              <LifeReportCard meetingId={meeting.id} reports={life.reports} />
              <LifeAccessCard meetingId={meeting.id} panel={life} />
            </div>
          ) : null}
          <section className="sheet slot slot--minutes" aria-labelledby="minutes-heading">
            <MinutesHeaderView header={session.header} />
            {session.minutes.access === "none" ? (
              <div data-testid="minutes-confidential">
                {heading}
                <p className="muted">
                  组织生活会的会议记录属于保密记录：仅支委、记录人、主持人和会议进行中的参会人员可见，上级党组织调阅后可见。
                </p>
              </div>
            ) : mounted ? (
              <Suspense fallback={<EditorFrame heading={heading} status="loading" />}>
                <CollabEditor
                  docName={docName}
                  user={me}
                  readOnly={!canWrite}
                  heading={heading}
                  speakers={canWrite ? session.people : undefined}
                />
              </Suspense>
            ) : (
              <EditorFrame heading={heading} status="loading" />
            )}
          </section>
          {session.canRun && !cancelled ? (
            <div className="slot slot--editors">
              <MinutesEditors
                editors={session.minutes.editors}
                people={session.people}
                busy={busy}
                result={result?.intent === "editor" ? result : undefined}
              />
            </div>
          ) : null}
        </div>
        <aside className="session-side" aria-label="会议现场">
          <div className="slot slot--presence">
            <PresenceCard
              present={live.present}
              connected={live.connected}
              people={session.people}
              phase={session.phase}
              meetingId={meeting.id}
              form={session.form}
              myMode={mine?.mode ?? null}
            />
          </div>
          {!cancelled ? (
            <div className="slot slot--reflections">
              <SessionReflections meetingId={meeting.id} data={reflections} />
            </div>
          ) : null}
        </aside>
      </div>
    </AppShell>
  );
}

/**
 * The last reply of this page's action. The live channel reloads the page's data right after
 * every change (结束会议 included), and a reload clears Remix's action data: the reply (how many
 * were given 补学) would flash and go. It is kept until the next one.
 */
function useKeptActionData(): Result | undefined {
  const fresh = useActionData<typeof action>() as Result | undefined;
  const [kept, setKept] = useState(fresh);
  useEffect(() => {
    if (fresh) setKept(fresh);
  }, [fresh]);
  return fresh ?? kept;
}

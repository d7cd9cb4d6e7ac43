import {
  type LinksFunction,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import {
  attendanceSheet,
  attendanceView,
  closeAttendance,
  correctAttendance,
  decideLeave,
  requestLeave,
  signInWithCode,
  STATUS_LABEL,
  type AttendanceStatus,
  type SheetRow,
} from "../../server/services/session/attendance";
import { startLiveSession } from "../../server/services/session/session";
import type { z } from "zod";
import {
  allowedModes,
  FORM_LABEL,
  MODE_LABEL,
  VIA_LABEL,
  type AttendanceMode,
} from "../../shared/domain/attendance-mode";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { canManage } from "../../shared/permissions";
import { ATTENDANCE_STATUSES, AttendanceActionSchema } from "../../shared/schemas/attendance";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { ClockIcon, FlagIcon, PinIcon } from "../components/icons";
import { ConfirmButton } from "../components/confirm-dialog";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import { signinBoard } from "../lib/signin-board.server";
import { FigureStrip, figureStripStyles, type Figure } from "../components/figure-strip";
import { signinCodeStyles, SigninCode, type SigninBoardData } from "../components/signin-code";
import attendanceCss from "../styles/attendance.css?url";

export const links: LinksFunction = () => [
  ...signinCodeStyles,
  ...figureStripStyles,
  { rel: "stylesheet", href: attendanceCss },
];

// The attendance of one meeting (应到 / 实到 / 请假 / 缺席 / 迟到 / 早退 / 列席). The page adapts
// to the viewer: readers see the counts and the table; those on the list sign themselves in with
// the host's code and ask for leave; those who manage the attendance show the rotating code (and
// its QR), correct entries (and how a person attended: 现场 / 线上, decision 028) with a reason,
// decide leave, close attendance and export the sheet as CSV. The file name ends
// the meeting segment with "_" so this is its own page, not a child of the meeting page.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `考勤 · ${data.meeting.title} · 同心` : "同心" },
];

const LEAVE_LABEL: Record<string, string> = { pending: "请假待审批", approved: "请假已批准", declined: "请假未批准" };

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  const now = new Date();

  const sheet = await loaded(attendanceSheet(sql, actor.subject, meetingId, now));
  const view = await attendanceView(sql, actor.subject, meetingId, now);
  const manage = canManage(view.access);
  const url = new URL(request.url);
  const board = manage && view.window.open ? await signinBoard(sql, actor, meetingId, url.origin, now) : null;
  const makeupOf = new Map(view.makeups.map((t) => [t.userId, t.completedAt]));
  const mine = sheet.rows.find((r) => r.userId === user.id) ?? null;
  const prefill = (url.searchParams.get("code") ?? "").replace(/\D/g, "").slice(0, 6);
  return {
    userName: user.displayName,
    meeting: view.meeting,
    manage,
    invitedRole: view.invitedRole,
    window: view.window,
    counts: sheet.counts,
    over: sheet.over,
    pending: sheet.rows.filter((r) => r.role === "attendee" && r.status === "pending").length,
    rows: [...sheet.rows].sort(byListOrder).map((r) => ({
      userId: r.userId,
      name: r.name,
      guest: r.role === "guest",
      status: r.status,
      // 列席 is an invitation, not a duty: a guest who did not come is 未到, not 缺席.
      statusLabel: r.role === "guest" && r.status === "absent" ? "未到" : STATUS_LABEL[r.status],
      signedInAt: r.signedInAt,
      via: r.via ? (VIA_LABEL[r.via] ?? r.via) : null,
      mode: r.mode,
      // Reasons can be private (illness, family): those who run the session and the person
      // concerned see why; everyone else sees the status.
      correctionReason: manage || r.userId === user.id ? r.correctionReason : null,
      leave: r.leave
        ? { status: r.leave.status, reason: manage || r.userId === user.id ? r.leave.reason : null }
        : null,
      makeup: makeupOf.has(r.userId) ? { completedAt: makeupOf.get(r.userId) ?? null } : null,
    })),
    me: mine
      ? {
          status: mine.status,
          statusLabel: mine.role === "guest" && mine.status === "absent" ? "未到" : STATUS_LABEL[mine.status],
          signedInAt: mine.signedInAt,
          via: mine.via ? (VIA_LABEL[mine.via] ?? mine.via) : null,
          mode: mine.mode,
          // Recorded by the session page: typing the room's code can still make it 现场.
          byPage: mine.via === "online",
        }
      : null,
    form: sheet.form,
    modeOptions: allowedModes(sheet.form).map((m) => ({ value: m, label: MODE_LABEL[m] })),
    myLeave: view.myLeave,
    myMakeup: view.myMakeup,
    decidable: view.decidable,
    board,
    prefill,
    statusOptions: ATTENDANCE_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] })),
  };
}

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");
/** 应到 first, then 列席; by pinyin within each, as a roster is read. */
const byListOrder = (a: SheetRow, b: SheetRow) =>
  a.role === b.role ? byPinyin.compare(a.name, b.name) : a.role === "attendee" ? -1 : 1;

type Result = FormErrors & { ok?: string };

/** Which form a reply belongs to: the intent, and for per-person forms the person or request. */
const formKey = (form: Record<string, FormDataEntryValue>) => {
  const intent = String(form.intent ?? "");
  if (intent === "correct") return `correct:${String(form.userId ?? "")}`;
  if (intent === "decide") return `decide:${String(form.leaveId ?? "")}`;
  return intent;
};

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const key = formKey(form);
  const parsed = AttendanceActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, key);
  const input = parsed.data;
  try {
    const ok = await perform(input);
    // Open session pages show the header (应到/实到/缺席) from this: tell them.
    await context.services.live.sessionChanged(meetingId);
    return ok;
  } catch (e) {
    return refused(e, key);
  }

  async function perform(input: z.infer<typeof AttendanceActionSchema>) {
    switch (input.intent) {
      case "signin": {
        const rule = context.services.throttle.attendanceCode;
        const { status, mode, upgraded } = await signInWithCode(sql, actor, meetingId, input.code, new Date(), rule);
        const how = MODE_LABEL[mode];
        const ok = upgraded
          ? `已改为${how}参会。`
          : status === "late"
            ? `已签到，记为迟到（${how}）。`
            : `签到成功，记为${how}出席。`;
        return { ok, intent: key } satisfies Result;
      }
      case "leave":
        await requestLeave(sql, actor, meetingId, input.reason);
        return { ok: "请假申请已提交，审批结果会通知你。", intent: key } satisfies Result;
      case "correct": {
        const { mode } = await correctAttendance(sql, actor, meetingId, {
          userId: input.userId,
          status: input.status,
          mode: input.mode,
          reason: input.reason,
        });
        const label = mode
          ? `${STATUS_LABEL[input.status]}（${MODE_LABEL[mode ?? "onsite"]}）`
          : STATUS_LABEL[input.status];
        return { ok: `已更正为“${label}”，并记入操作日志。`, intent: key } satisfies Result;
      }
      case "decide":
        await decideLeave(sql, actor, input.leaveId, { approve: input.approve === "yes", note: input.note });
        return { ok: input.approve === "yes" ? "已批准请假。" : "已不批准请假。", intent: key } satisfies Result;
      case "start":
        await startLiveSession(sql, context.services.live, actor, meetingId);
        return { ok: "会议已开始。参会人员可以签到，表决也可以开始。", intent: key } satisfies Result;
      case "close": {
        const { makeups } = await closeAttendance(sql, actor, meetingId);
        const ok =
          makeups > 0 ? `考勤已结束，已为 ${makeups} 位同志安排补学并通知本人。` : "考勤已结束，没有新的补学安排。";
        return { ok, intent: key } satisfies Result;
      }
    }
  }
}

/** Statuses that count as 出席. */
const CAME = new Set<string>(["present", "late", "left_early"]);

const TONE: Record<AttendanceStatus | "pending", string> = {
  present: "tag tag--green",
  late: "tag tag--gold",
  left_early: "tag tag--gold",
  absent: "tag",
  leave: "tag tag--blue",
  pending: "tag tag--muted",
};

export default function AttendancePage() {
  const data = useLoaderData<typeof loader>();
  const { meeting, manage, window: w, board, rows, invitedRole } = data;
  const result = useKeptActionData();
  const busy = useNavigation().state === "submitting";
  const kind = MEETING_KIND_LABEL[meeting.kind];
  const phase = meeting.cancelled
    ? { label: "已取消", tone: "tag tag--muted" }
    : w.open
      ? { label: "签到进行中", tone: "tag tag--green" }
      : w.over
        ? { label: "已结束", tone: "tag tag--muted" }
        : { label: "未开始", tone: "tag tag--outline" };
  // Each reply is shown next to the form it belongs to; what has no form on the page any more
  // (a decided leave request, a sign-in by someone not on the list) is shown at the top.
  const intent = result?.intent ?? "";
  const inCard = Boolean(invitedRole) && (intent === "signin" || intent === "leave");
  const inItem = intent.startsWith("decide:") && !result?.ok && data.decidable.some((l) => `decide:${l.id}` === intent);
  const topResult = result && !inCard && !inItem && !intent.startsWith("correct:") ? result : undefined;
  useLiveRefresh(Boolean(board));

  return (
    <AppShell userName={data.userName}>
      <Crumbs back={{ to: `/meetings/${meeting.id}`, label: "会议详情" }} trail={[kind]} />
      <MeetingHead
        tags={
          <>
            <span className="tag">{kind}</span>
            <span className="tag tag--outline" data-testid="meeting-form">
              {FORM_LABEL[data.form]}
            </span>
            <span className={phase.tone}>{phase.label}</span>
          </>
        }
        eyebrow="考勤"
        title={meeting.title}
        facts={[
          { icon: ClockIcon, label: "时间", value: formatRange(meeting.startsAt, meeting.endsAt) },
          { icon: PinIcon, label: "地点", value: meeting.location ?? "线上" },
          {
            icon: FlagIcon,
            label: "组织",
            value: `${meeting.orgName}${meeting.hostName ? ` · 主持人 ${meeting.hostName}` : ""}`,
          },
        ]}
      />

      {topResult ? (
        <FormAlert error={topResult.formError ?? Object.values(topResult.fieldErrors ?? {})[0]} ok={topResult.ok} />
      ) : null}

      {manage && board ? <SigninBoard board={board} closesAt={w.closesAt} /> : null}
      {manage && !board && !w.over && !meeting.cancelled ? (
        <p className="alert">
          签到码将于 {formatDate(w.opensAt)} {formatTime(w.opensAt)}（会议开始前 30 分钟）在此显示，每 30 秒更换一次。
        </p>
      ) : null}

      {invitedRole ? <MyAttendance result={inCard ? result : undefined} busy={busy} /> : null}

      {data.decidable.length > 0 ? <LeaveDecisions result={result} busy={busy} /> : null}

      <section className="section" aria-labelledby="counts-heading">
        <div className="section__head">
          <h2 className="h3" id="counts-heading">
            出勤统计
          </h2>
          {!data.over && data.pending > 0 ? <span className="muted small">{data.pending} 人尚未签到</span> : null}
        </div>
        <Counts counts={data.counts} />
        <Modes counts={data.counts} />
      </section>

      <section className="section" aria-labelledby="people-heading">
        <div className="section__head">
          <h2 className="h3" id="people-heading">
            签到情况
          </h2>
          {manage ? (
            <span className="att-people__tools muted small">
              <span>
                {data.form === "mixed" ? "点“更正”修改考勤或参会方式，须写明原因" : "点“更正”修改考勤，须写明原因"}
              </span>
              <a className="btn btn--small" href={`/meetings/${meeting.id}/attendance.csv`} download>
                导出考勤表（CSV）
              </a>
            </span>
          ) : null}
        </div>
        {rows.length === 0 ? (
          <div className="card empty">
            <p className="h3">名单还是空的</p>
            <p className="muted">安排会议时确定应到和列席人员后，名单会出现在这里。</p>
          </div>
        ) : (
          <ul className="list att-table" data-testid="attendance-table">
            <li className="att-row att-row--head" aria-hidden="true">
              <span className="att-row__who">姓名</span>
              <span className="att-row__status">状态</span>
              <span className="att-row__meta">签到时间 · 方式</span>
            </li>
            {rows.map((r) => (
              <PersonRow key={r.userId} row={r} manage={manage} result={result} busy={busy} />
            ))}
          </ul>
        )}
      </section>

      {manage && w.open && !meeting.startedAt && !meeting.closedAt ? (
        <section className="card section att-close" aria-labelledby="start-heading">
          <h2 className="h3" id="start-heading">
            开始会议
          </h2>
          <p className="muted small">人到齐后由主持人开始会议。开始后才能发起表决；签到照常进行。</p>
          <Form method="post">
            <input type="hidden" name="intent" value="start" />
            <button className="btn btn--primary" type="submit" disabled={busy}>
              开始会议
            </button>
          </Form>
        </section>
      ) : null}
      {manage && meeting.startedAt && !meeting.closedAt ? (
        <p className="alert alert--ok" data-testid="session-started">
          {`会议进行中，${formatTime(meeting.startedAt)} 开始。`}
        </p>
      ) : null}

      {manage && w.started && !meeting.cancelled ? (
        <section className="card section att-close" aria-labelledby="close-heading">
          <h2 className="h3" id="close-heading">
            {meeting.closedAt ? "考勤已结束" : "结束考勤"}
          </h2>
          <p className="muted small">
            {meeting.closedAt
              ? `已于 ${formatDate(meeting.closedAt)} ${formatTime(meeting.closedAt)} 结束签到。之后的更正如使某人变为缺席或请假，可再次安排补学。`
              : "结束后不能再签到；应到未到和请假的同志会收到补学安排。之后的变动请用“更正”。"}
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="close" />
            {meeting.closedAt ? (
              <button className="btn btn--primary" type="submit" disabled={busy}>
                按最新考勤补充安排补学
              </button>
            ) : (
              <ConfirmButton
                className="btn btn--primary"
                disabled={busy}
                confirm={{
                  title: "结束考勤？",
                  message: `结束后不能再签到；应到未到和请假的同志（现有 ${rows.filter((r) => !r.guest && !CAME.has(r.status)).length} 人）会收到补学安排和通知。之后的变动只能逐人“更正”。`,
                  confirmLabel: "结束考勤",
                }}
              >
                结束考勤并安排补学
              </ConfirmButton>
            )}
          </Form>
        </section>
      ) : null}
    </AppShell>
  );
}

/**
 * The last reply of an action on this page. A revalidation (the host's page refreshes itself)
 * clears Remix's action data, which would close an open form and drop its message; the reply is
 * kept until the next one.
 */
function useKeptActionData() {
  const fresh = useActionData<typeof action>() as Result | undefined;
  const [kept, setKept] = useState(fresh);
  useEffect(() => {
    if (fresh) setKept(fresh);
  }, [fresh]);
  return fresh ?? kept;
}

/** Revalidates every few seconds while the page is visible (the code turns, people sign in). */
function useLiveRefresh(on: boolean) {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const state = useRef({ revalidator, navigation });
  state.current = { revalidator, navigation };
  useEffect(() => {
    if (!on) return;
    const tick = () => {
      const { revalidator: r, navigation: n } = state.current;
      if (document.visibilityState === "visible" && r.state === "idle" && n.state === "idle") r.revalidate();
    };
    const timer = window.setInterval(tick, 4000);
    const onVisible = () => document.visibilityState === "visible" && tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [on]);
}

function SigninBoard({ board, closesAt }: { board: SigninBoardData; closesAt: Date }) {
  return (
    <SigninCode
      variant="board"
      board={board}
      hint={`请与会同志打开本页输入签到码，或用手机扫描二维码签到。签到开放至 ${formatTime(closesAt)}。`}
    />
  );
}

function MyAttendance({ result, busy }: { result?: Result; busy: boolean }) {
  const { me, window: w, invitedRole, myLeave, myMakeup, meeting, prefill, form } = useLoaderData<typeof loader>();
  const signedIn = me && me.signedInAt;
  // Recorded 线上 by the session page while in the room: the room's code makes it 现场.
  const canMoveToRoom = Boolean(signedIn && me.byPage && me.mode === "online" && form === "mixed");
  const canSignIn = w.open && (!signedIn || canMoveToRoom) && !meeting.cancelled;
  const openLeave = myLeave && (myLeave.status === "pending" || myLeave.status === "approved");
  const canLeave = invitedRole === "attendee" && !w.started && !meeting.cancelled && !openLeave && !signedIn;
  const signinErr = result?.intent === "signin" ? result : undefined;
  const leaveErr = result?.intent === "leave" ? result : undefined;
  const onLeave = myLeave?.status === "approved";
  const signinForm = (
    <Form method="post" className="signin-form" noValidate>
      <input type="hidden" name="intent" value="signin" />
      <label className="field">
        <span className="field__label">签到码</span>
        <input
          className="input signin-form__code"
          name="code"
          defaultValue={prefill}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          placeholder="6 位数字"
          aria-invalid={signinErr?.fieldErrors?.code ? true : undefined}
          aria-describedby="code-error code-hint"
          autoFocus={prefill.length === 6}
        />
        <FieldError id="code-error" message={signinErr?.fieldErrors?.code} />
        <span className="field__hint" id="code-hint">
          {prefill.length === 6
            ? "已从二维码读取签到码，点“签到”确认。"
            : "看主持人屏幕上的 6 位签到码，每 30 秒更换。"}
        </span>
      </label>
      {signinErr?.formError ? <FormAlert error={signinErr.formError} /> : null}
      <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
        签到
      </button>
    </Form>
  );
  return (
    <section className="card att-me" aria-labelledby="me-heading">
      <div className="att-me__head">
        <h2 className="h3" id="me-heading">
          我的签到
        </h2>
        {invitedRole === "guest" ? <span className="tag tag--outline">列席</span> : null}
        {me ? <span className={TONE[me.status]}>{me.statusLabel}</span> : null}
        {me && CAME.has(me.status) ? <ModeTag mode={me.mode} /> : null}
      </div>
      {signinErr ? <FormAlert ok={signinErr.ok} error={canSignIn ? undefined : signinErr.formError} /> : null}
      {leaveErr ? <FormAlert ok={leaveErr.ok} error={canLeave ? undefined : leaveErr.formError} /> : null}

      {signedIn ? (
        <p className="att-me__done">
          <span className="att-me__check" aria-hidden="true">
            ✓
          </span>
          <span>
            已于 {formatTime(me.signedInAt!)} 签到{me.via ? `（${me.via}）` : ""}
            {me.mode ? `，记为${MODE_LABEL[me.mode]}参会` : ""}
          </span>
        </p>
      ) : null}

      {!signedIn && !canSignIn && !meeting.cancelled ? (
        <p className="muted small">
          {w.over
            ? "签到已结束。如需补登，请联系主持人更正。"
            : `签到将于 ${formatDate(w.opensAt)} ${formatTime(w.opensAt)}（会议开始前 30 分钟）开放，到时在本页输入主持人屏幕上的签到码，或扫码签到。`}
        </p>
      ) : null}

      {myLeave ? (
        <div className="att-me__leave">
          <span
            className={
              myLeave.status === "approved" ? "tag tag--blue" : myLeave.status === "declined" ? "tag" : "tag tag--gold"
            }
          >
            {LEAVE_LABEL[myLeave.status] ?? myLeave.status}
          </span>
          <span className="small">
            请假原因：{myLeave.reason}
            {myLeave.note ? `；审批意见：${myLeave.note}` : ""}
          </span>
        </div>
      ) : null}

      {canSignIn && canMoveToRoom ? (
        <details className="panel att-me__panel" open={Boolean(prefill.length === 6 || (signinErr && !signinErr.ok))}>
          <summary>在会场？输入签到码改为现场</summary>
          <div className="panel__body">{signinForm}</div>
        </details>
      ) : canSignIn && onLeave ? (
        <details className="panel att-me__panel" open={Boolean(signinErr && !signinErr.ok)}>
          <summary>如能到会，仍可签到</summary>
          <div className="panel__body">{signinForm}</div>
        </details>
      ) : canSignIn ? (
        signinForm
      ) : null}

      {canLeave ? (
        <details className="panel att-me__panel" open={Boolean(leaveErr?.formError || leaveErr?.fieldErrors)}>
          <summary>{myLeave?.status === "declined" ? "再次请假" : "无法参加？请假"}</summary>
          <Form method="post" className="panel__body form" noValidate>
            <input type="hidden" name="intent" value="leave" />
            <label className="field">
              <span className="field__label">请假原因</span>
              <textarea
                className="input att-me__reason"
                name="reason"
                maxLength={200}
                rows={3}
                placeholder="如：出差在外，无法到场"
                aria-invalid={leaveErr?.fieldErrors?.reason ? true : undefined}
                aria-describedby="reason-error"
              />
              <FieldError id="reason-error" message={leaveErr?.fieldErrors?.reason} />
              <span className="field__hint">
                由书记或你所在党小组的组长审批，会前提交；批准后，原因会作为缺席原因写入会议记录。缺席或请假的同志会后需补学。
              </span>
            </label>
            {leaveErr?.formError ? <FormAlert error={leaveErr.formError} /> : null}
            <button className="btn" type="submit" disabled={busy}>
              提交请假
            </button>
          </Form>
        </details>
      ) : null}

      {myMakeup ? (
        <p className="att-me__makeup small">
          {myMakeup.completedAt ? (
            <>本次会议的补学已于 {formatDate(myMakeup.completedAt)} 完成。</>
          ) : (
            <>
              你需要补学本次会议的内容。<Link to="/makeup">去补学</Link>
            </>
          )}
        </p>
      ) : null}
    </section>
  );
}

function LeaveDecisions({ result, busy }: { result?: Result; busy: boolean }) {
  const { decidable } = useLoaderData<typeof loader>();
  return (
    <section className="section" aria-labelledby="leave-heading">
      <h2 className="h3" id="leave-heading">
        请假审批 <span className="tag tag--gold">{decidable.length} 条待处理</span>
      </h2>
      <ul className="list" data-testid="leave-requests">
        {decidable.map((l) => {
          // Only a refusal is shown here: a decided request leaves the list (its reply is at the top).
          const r = result?.intent === `decide:${l.id}` && !result.ok ? result : undefined;
          return (
            <li key={l.id} className="leave-item">
              <div className="row__main">
                <span className="row__title">{l.name}</span>
                <span className="leave-item__reason">{l.reason}</span>
                <span className="row__sub">
                  提交于 {formatDate(l.requestedAt)} {formatTime(l.requestedAt)}
                </span>
              </div>
              <Form method="post" className="leave-item__form">
                <input type="hidden" name="intent" value="decide" />
                <input type="hidden" name="leaveId" value={l.id} />
                <input
                  className="input"
                  name="note"
                  maxLength={200}
                  placeholder="审批意见（可选）"
                  aria-label={`对${l.name}请假的审批意见`}
                />
                <div className="leave-item__buttons">
                  <button className="btn btn--primary" type="submit" name="approve" value="yes" disabled={busy}>
                    批准
                  </button>
                  <button className="btn" type="submit" name="approve" value="no" disabled={busy}>
                    不批准
                  </button>
                </div>
              </Form>
              {r ? <FormAlert error={r.formError ?? Object.values(r.fieldErrors ?? {})[0]} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Counts({ counts }: { counts: Awaited<ReturnType<typeof loader>>["counts"] }) {
  const rate = counts.expected > 0 ? Math.round((counts.present / counts.expected) * 100) : null;
  const figures: Figure[] = [
    { key: "expected", label: "应到", value: counts.expected },
    { key: "present", label: "实到", value: counts.present, tone: "ok" },
    { key: "leave", label: "请假", value: counts.leave },
    { key: "absent", label: "缺席", value: counts.absent, tone: counts.absent > 0 ? "bad" : undefined },
    { key: "late", label: "迟到", value: counts.late },
    { key: "leftEarly", label: "早退", value: counts.leftEarly },
    { key: "guests", label: "列席", value: counts.guests },
    { key: "rate", label: "出席率", value: rate === null ? "—" : `${rate}%`, tone: "quiet" },
  ];
  return <FigureStrip testId="attendance-counts" figures={figures} />;
}

/** How 实到 attended: 现场 and 线上 (and records the rules could not place). */
function Modes({ counts }: { counts: Awaited<ReturnType<typeof loader>>["counts"] }) {
  if (counts.present === 0) return null;
  const cells = [
    { key: "onsite", label: "现场", value: counts.onsite },
    { key: "online", label: "线上", value: counts.online },
    ...(counts.modeUnknown > 0 ? [{ key: "unknown", label: "方式未记录", value: counts.modeUnknown }] : []),
  ];
  return (
    <dl className="att-modes" data-testid="attendance-modes">
      <div className="att-modes__lead">
        <dt>实到 {counts.present} 人</dt>
        <dd>其中</dd>
      </div>
      {cells.map((c) => (
        <div key={c.key} className="att-mode" data-stat={c.key}>
          <dt>{c.label}</dt>
          <dd>{c.value}</dd>
        </div>
      ))}
    </dl>
  );
}

const MODE_TONE: Record<AttendanceMode, string> = { onsite: "tag tag--mode", online: "tag tag--mode tag--blue" };

function ModeTag({ mode }: { mode: AttendanceMode | null }) {
  return mode ? <span className={MODE_TONE[mode]}>{MODE_LABEL[mode]}</span> : null;
}

type Row = Awaited<ReturnType<typeof loader>>["rows"][number];

function PersonRow({ row, manage, result, busy }: { row: Row; manage: boolean; result?: Result; busy: boolean }) {
  const { statusOptions, modeOptions, form } = useLoaderData<typeof loader>();
  // A meeting held one way only says so once, at the top; a row names the mode when both are possible.
  const showModes = form === "mixed" || (row.mode !== null && row.mode !== form);
  const key = `correct:${row.userId}`;
  const r = result?.intent === key ? result : undefined;
  const how: string[] = [];
  if (row.via && row.via !== VIA_LABEL.host) how.push(row.via);
  if (row.correctionReason) how.push(`主持人更正：${row.correctionReason}`);
  if (row.leave && !row.signedInAt) {
    const label = LEAVE_LABEL[row.leave.status] ?? "请假";
    how.push(row.leave.reason ? `${label}：${row.leave.reason}` : label);
  }
  const cells = (
    <>
      <span className="att-row__who">
        <span className="avatar att-row__avatar" aria-hidden="true">
          {row.name.slice(-2)}
        </span>
        <span className="att-row__name">{row.name}</span>
        {row.guest ? <span className="tag tag--outline">列席</span> : null}
      </span>
      <span className="att-row__status">
        <span className={TONE[row.status]}>{row.statusLabel}</span>
        {showModes && CAME.has(row.status) ? <ModeTag mode={row.mode} /> : null}
      </span>
      <span className="att-row__meta">
        {row.signedInAt ? <span className="att-row__time">{formatTime(row.signedInAt)}</span> : null}
        {how.length > 0 ? <span className="att-row__how">{how.join(" · ")}</span> : null}
        {!row.signedInAt && how.length === 0 && !row.makeup ? (
          <span className="att-row__how att-row__none">—</span>
        ) : null}
        {row.makeup ? (
          <span className={row.makeup.completedAt ? "tag tag--green" : "tag tag--gold"}>
            {row.makeup.completedAt ? "已补学" : "待补学"}
          </span>
        ) : null}
      </span>
    </>
  );
  if (!manage)
    return (
      <li className="att-item">
        <div className="att-row">{cells}</div>
      </li>
    );
  return (
    <li className="att-item">
      {/* Keyed by the entry, so a saved correction closes and clears its form. */}
      <details
        key={`${row.status}|${row.mode ?? ""}|${row.correctionReason ?? ""}`}
        className="att-fix"
        open={Boolean(r && !r.ok)}
      >
        <summary className="att-row att-row--action">
          {cells}
          <span className="att-row__fix">更正</span>
        </summary>
        <Form
          method="post"
          className={modeOptions.length > 1 ? "att-fix__form att-fix__form--modes" : "att-fix__form"}
          noValidate
        >
          <input type="hidden" name="intent" value="correct" />
          <input type="hidden" name="userId" value={row.userId} />
          <label className="field att-fix__status">
            <span className="field__label">更正为</span>
            <select className="select" name="status" defaultValue={row.status === "pending" ? "present" : row.status}>
              {statusOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          {modeOptions.length === 1 ? (
            <input type="hidden" name="mode" value={modeOptions[0].value} />
          ) : (
            <label className="field att-fix__mode">
              <span className="field__label">参会方式</span>
              <select
                className="select"
                name="mode"
                defaultValue={row.mode ?? modeOptions[0].value}
                aria-invalid={r?.fieldErrors?.mode ? true : undefined}
                aria-describedby={`mode-${row.userId}`}
              >
                {modeOptions.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <FieldError id={`mode-${row.userId}`} message={r?.fieldErrors?.mode} />
              <span className="field__hint">缺席、请假不记参会方式。</span>
            </label>
          )}
          <label className="field att-fix__reason">
            <span className="field__label">原因（必填）</span>
            <input
              className="input"
              name="reason"
              required
              maxLength={200}
              placeholder="如：现场登记，手机没电未能扫码"
              aria-invalid={r?.fieldErrors?.reason ? true : undefined}
              aria-describedby={`reason-${row.userId}`}
            />
            <FieldError id={`reason-${row.userId}`} message={r?.fieldErrors?.reason} />
          </label>
          <button className="btn btn--small att-fix__save" type="submit" disabled={busy}>
            保存更正
          </button>
          {r?.formError ? <FormAlert error={r.formError} /> : null}
        </Form>
      </details>
      {r?.ok ? <FormAlert ok={r.ok} /> : null}
    </li>
  );
}

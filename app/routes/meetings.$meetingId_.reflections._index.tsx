import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  reflectionOverview,
  remindMissing,
  setReflectionDeadline,
  type OverviewRow,
} from "../../server/services/reflections/overview";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { chinaDateTimeValue } from "../../shared/time";
import { ReflectionOverviewActionSchema } from "../../shared/schemas/reflections";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { BellIcon, ChevronRightIcon, ClockIcon, FlagIcon } from "../components/icons";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { percent, ReflectionStatusTag } from "../components/reflection-parts";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import { FigureStrip, figureStripStyles } from "../components/figure-strip";
import reflectionStyles from "../styles/reflections.css?url";

// Who has submitted a 心得体会 for a session. Reviewers (host, branch managers, a group's
// 党小组长) see everyone on the list with status and 字数 (drafts counted, never shown), the
// similarity figure, set the deadline and remind those who have not submitted. With the branch
// setting 「提交后全支部可见」 other members see the submitted ones. Everyone else: 404.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `心得体会 · ${data.overview.meeting.title} · 同心` : "同心" },
];
export const links: LinksFunction = () => [...figureStripStyles, { rel: "stylesheet", href: reflectionStyles }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const overview = await loaded(reflectionOverview(context.services.sql, actor.subject, params.meetingId ?? ""));
  return { userName: user.displayName, me: user.id, overview };
}

type Result = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const parsed = ReflectionOverviewActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, intent);
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "remind": {
        const r = await remindMissing(sql, actor, meetingId);
        const ok = `已提醒 ${r.sent} 位同志${r.skipped > 0 ? `；${r.skipped} 位今天已提醒过，未重复发送` : ""}。`;
        return { ok, intent } satisfies Result;
      }
      case "deadline":
        await setReflectionDeadline(sql, live, actor, meetingId, input.deadline);
        return {
          ok: `提交截止时间已设为 ${formatDate(input.deadline)} ${formatTime(input.deadline)}。`,
          intent,
        } satisfies Result;
      case "clear-deadline":
        await setReflectionDeadline(sql, live, actor, meetingId, null);
        return { ok: "已取消提交截止时间。", intent: "deadline" } satisfies Result;
    }
  } catch (e) {
    return refused(e, intent === "clear-deadline" ? "deadline" : intent);
  }
}

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;

export default function ReflectionOverviewPage() {
  const { userName, overview: o } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const kind = MEETING_KIND_LABEL[o.meeting.kind];
  const review = o.mode === "review";
  const resultFor = (intent: string) => (result?.intent === intent ? result : undefined);
  const attendees = o.rows.filter((r) => r.role === "attendee");
  const guests = o.rows.filter((r) => r.role === "guest");

  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${o.meeting.id}`, label: "会议" }} trail={[kind, "心得体会"]} />
      <MeetingHead
        tags={
          <>
            <span className="tag">{kind}</span>
            {o.meeting.cancelled ? <span className="tag tag--muted">已取消</span> : null}
          </>
        }
        eyebrow={review ? "心得体会提交情况" : "心得体会"}
        title={o.meeting.title}
        facts={[
          { icon: ClockIcon, label: "会议时间", value: formatRange(o.meeting.startsAt, o.meeting.endsAt) },
          {
            icon: FlagIcon,
            label: "提交截止",
            testId: "overview-deadline",
            value: o.deadline
              ? `${o.deadlinePassed ? "已截止" : "提交截止"}：${when(o.deadline)}`
              : "未设置提交截止时间",
          },
        ]}
      />

      {review ? (
        <FigureStrip
          testId="reflection-counts"
          figures={[
            { key: "submitted", label: "已提交", value: o.counts.submitted, of: o.counts.expected },
            { key: "accepted", label: "已通过", value: o.counts.accepted },
            { key: "returned", label: "已退回", value: o.counts.returned },
            {
              key: "flagged",
              label: "疑似雷同",
              value: o.counts.flagged,
              tone: o.counts.flagged > 0 ? "warn" : undefined,
            },
          ]}
        />
      ) : null}

      {review && !o.meeting.cancelled ? (
        <div className="refl-tools">
          <RemindCard result={resultFor("remind")} busy={busy} />
          {o.canSetDeadline ? <DeadlineCard result={resultFor("deadline")} busy={busy} /> : null}
        </div>
      ) : null}

      <section className="section" aria-labelledby="list-heading">
        <div className="section__head">
          <h2 className="h3" id="list-heading">
            {review ? "应到人员" : "已提交的心得体会"}
          </h2>
          {review ? (
            <span className="muted small">相似度 ≥ {percent(o.threshold)} 标为疑似雷同，请查看重合段落后判断</span>
          ) : null}
        </div>
        {(review ? attendees : o.rows).length === 0 ? (
          <div className="card empty">
            <p className="h3">{review ? "名单还是空的" : "还没有可以查看的心得体会"}</p>
            <p className="muted">
              {review ? "安排会议时确定应到人员后，名单会出现在这里。" : "同志们提交后，会在这里列出。"}
            </p>
          </div>
        ) : (
          <ul className="list" data-testid="reflection-list">
            {(review ? attendees : o.rows).map((r) => (
              <PersonRow key={r.userId} row={r} meetingId={o.meeting.id} review={review} />
            ))}
          </ul>
        )}
      </section>

      {review && guests.length > 0 ? (
        <section className="section" aria-labelledby="guests-heading">
          <div className="section__head">
            <h2 className="h3" id="guests-heading">
              列席人员
            </h2>
            <span className="muted small">列席人员可以自愿提交，不计入提交率</span>
          </div>
          <ul className="list" data-testid="reflection-guests">
            {guests.map((r) => (
              <PersonRow key={r.userId} row={r} meetingId={o.meeting.id} review={review} />
            ))}
          </ul>
        </section>
      ) : null}
    </AppShell>
  );
}

function PersonRow({ row, meetingId, review }: { row: OverviewRow; meetingId: string; review: boolean }) {
  const open = row.status !== "draft";
  const body = (
    <>
      <span className="avatar" aria-hidden="true">
        {row.name.slice(-2)}
      </span>
      <span className="row__main">
        <span className="row__title">
          {row.name}
          <ReflectionStatusTag status={row.status} />
          {row.flagged ? <span className="tag tag--gold">疑似雷同</span> : null}
          {review && row.remindedToday && (row.status === "draft" || row.status === "returned") ? (
            <span className="tag tag--outline">今日已提醒</span>
          ) : null}
        </span>
        <span className="row__sub">
          {row.status === "draft"
            ? row.wordCount > 0
              ? `草稿 ${row.wordCount} 字`
              : "尚未动笔"
            : row.status === "returned"
              ? `退回修改中 · 当前 ${row.wordCount} 字`
              : `${row.wordCount} 字${row.submittedAt ? ` · ${when(row.submittedAt)} 提交` : ""}`}
        </span>
      </span>
      {review && row.similarity !== null && row.status !== "draft" ? (
        <span
          className="refl-sim"
          data-flagged={row.flagged ? "" : undefined}
          title="与本次其他心得及本人以往心得的最高相似度"
        >
          <span className="refl-sim__label">相似度</span>
          <span className="refl-sim__value">{percent(row.similarity)}</span>
        </span>
      ) : null}
      {open ? (
        <span className="row__end">
          <ChevronRightIcon size={18} />
        </span>
      ) : null}
    </>
  );
  return (
    <li data-user={row.name}>
      {open ? (
        <Link className="row" to={`/meetings/${meetingId}/reflections/${row.userId}`}>
          {body}
        </Link>
      ) : (
        <div className="row">{body}</div>
      )}
    </li>
  );
}

function RemindCard({ result, busy }: { result?: Result; busy: boolean }) {
  const { overview: o, me } = useLoaderData<typeof loader>();
  const pending = o.rows.filter(
    (r) => r.role === "attendee" && r.userId !== me && (r.status === "draft" || r.status === "returned"),
  );
  const closed = o.deadlinePassed && !pending.some((r) => r.status === "returned");
  return (
    <section className="card refl-tool" aria-labelledby="remind-heading">
      <h2 className="h3 refl-tool__title" id="remind-heading">
        <BellIcon size={18} />
        提醒未提交的同志
      </h2>
      <p className="muted small">
        {pending.length === 0
          ? "其他应到同志都已提交。"
          : `还有 ${pending.length} 位同志未提交。每人每天最多提醒一次，通过站内通知送达。`}
      </p>
      {result ? <FormAlert ok={result.ok} error={result.formError} /> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="remind" />
        <button className="btn btn--block" type="submit" disabled={busy || o.remindable === 0}>
          {o.remindable > 0
            ? `提醒 ${o.remindable} 位同志`
            : pending.length === 0
              ? "无需提醒"
              : closed
                ? "已过截止时间"
                : "今天已提醒"}
        </button>
      </Form>
    </section>
  );
}

function DeadlineCard({ result, busy }: { result?: Result; busy: boolean }) {
  const { overview: o } = useLoaderData<typeof loader>();
  const err = result?.fieldErrors?.deadline;
  return (
    <section className="card refl-tool" aria-labelledby="deadline-heading">
      <h2 className="h3 refl-tool__title" id="deadline-heading">
        <ClockIcon size={18} />
        提交截止时间
      </h2>
      {result ? <FormAlert ok={result.ok} error={result.formError} /> : null}
      <Form method="post" className="refl-deadline" noValidate>
        <label className="field">
          <span className="field__label">截止时间（北京时间）</span>
          <input
            className="input"
            type="datetime-local"
            name="deadline"
            // Keyed by the stored value so a save shows what was stored.
            key={o.deadline ? new Date(o.deadline).toISOString() : "none"}
            defaultValue={o.deadline ? chinaDateTimeValue(o.deadline) : ""}
            aria-invalid={err ? true : undefined}
            aria-describedby="deadline-error deadline-hint"
          />
          <FieldError id="deadline-error" message={err} />
          <span className="field__hint" id="deadline-hint">
            不早于会议开始时间。过了截止时间未提交的不能再提交；被退回的可以重新提交。
          </span>
        </label>
        <div className="actions">
          <button className="btn btn--primary" type="submit" name="intent" value="deadline" disabled={busy}>
            保存截止时间
          </button>
          {o.deadline ? (
            <button className="btn btn--ghost" type="submit" name="intent" value="clear-deadline" disabled={busy}>
              取消截止时间
            </button>
          ) : null}
        </div>
      </Form>
    </section>
  );
}

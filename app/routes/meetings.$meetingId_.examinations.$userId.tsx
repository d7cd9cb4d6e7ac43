import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { acceptExamination, examinationFor, returnExamination } from "../../server/services/life/examination-review";
import {
  ExaminationReviewSchema,
  PASSAGE_COMMENT_MAX,
  passageNotes,
  REVIEW_COMMENT_MAX,
} from "../../shared/schemas/examination";
import { lifeMeeting } from "../../server/services/life/examination-records";
import { AppShell } from "../components/app-shell";
import { ReturnedNotes } from "../components/examination-parts";
import { ClockIcon, FlagIcon, UserIcon } from "../components/icons";
import { MeetingHead } from "../components/meeting-head";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { HighlightedText, percent, ReflectionStatusTag } from "../components/reflection-parts";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import examinationStyles from "../styles/examination.css?url";
import reflectionStyles from "../styles/reflections.css?url";

// One submitted 对照检查材料 (docs/decisions/034), for whoever may read it (lifeRecordAccess; every
// read audited). The reviewer sees the similarity check — the passages it shares with another
// member's material, the author's own of an earlier year or a template, side by side — and
// accepts it or returns it with a comment and notes on passages. A draft is the author's alone.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.view.author.name}的对照检查材料 · 同心` : "同心" },
];
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: reflectionStyles },
  { rel: "stylesheet", href: examinationStyles },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const meetingId = params.meetingId ?? "";
  if (params.userId === user.id) {
    // One's own material is on one's own page (a meeting without 对照检查材料 stays a 404).
    await loaded(lifeMeeting(context.services.sql, actor.subject, meetingId));
    throw redirect(`/meetings/${meetingId}/examination`);
  }
  const view = await loaded(examinationFor(context.services.sql, actor, meetingId, params.userId ?? ""));
  return { userName: user.displayName, view };
}

type Result = FormErrors & { ok?: string; values?: Record<string, string> };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const meetingId = params.meetingId ?? "";
  const authorId = params.userId ?? "";
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const values = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  const parsed = ExaminationReviewSchema.safeParse(form);
  if (!parsed.success) return Response.json({ ...invalid(parsed.error, intent).data, values }, { status: 400 });
  try {
    if (parsed.data.intent === "accept") {
      await acceptExamination(sql, live, actor, meetingId, authorId);
      return { ok: "已审阅通过，并通知本人。", intent } satisfies Result;
    }
    const notes = passageNotes(form);
    if (typeof notes === "string")
      return Response.json({ fieldErrors: { comment: notes }, intent, values } satisfies Result, { status: 400 });
    await returnExamination(sql, live, actor, meetingId, authorId, { comment: parsed.data.comment, notes });
    return { ok: "已退回，并把意见通知本人。本人修改后可重新提交。", intent } satisfies Result;
  } catch (e) {
    const r = refused(e, intent);
    return Response.json({ ...r.data, values }, { status: r.init?.status ?? 400 });
  }
}

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;

export default function ExaminationPage() {
  const { userName, view } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <AppShell userName={userName}>
      <Crumbs
        back={{ to: `/meetings/${view.meeting.id}/examinations`, label: "对照检查材料" }}
        trail={["组织生活会"]}
      />
      <MeetingHead
        tags={
          <>
            <ReflectionStatusTag status={view.status} />
            {view.similarity?.flagged ? <span className="tag tag--gold">疑似雷同</span> : null}
          </>
        }
        eyebrow="对照检查材料"
        title={`${view.author.name}的对照检查材料`}
        facts={[
          {
            icon: FlagIcon,
            label: "会议",
            value: <Link to={`/meetings/${view.meeting.id}`}>{view.meeting.title}</Link>,
          },
          { icon: ClockIcon, label: "会议时间", value: formatRange(view.meeting.startsAt, view.meeting.endsAt) },
          {
            icon: UserIcon,
            label: "提交",
            value: `${view.wordCount} 字${view.submittedAt ? ` · ${when(view.submittedAt)} 提交` : ""}`,
          },
        ]}
      />
      {result?.ok ? <FormAlert ok={result.ok} /> : null}
      {view.review && view.status === "returned" ? <ReturnedNotes review={view.review} waiting /> : null}
      {view.review && view.status === "accepted" ? (
        <p className="alert alert--ok" role="status">
          已由{view.review.byName ?? "审阅人"}于 {when(view.review.at)} 审阅通过。
        </p>
      ) : null}
      <p className="muted small exam-audit-note">你的查看已记入审计日志。</p>

      {view.canReview ? (
        <ReviewForm result={result} busy={busy} />
      ) : (
        <section className="sheet" aria-labelledby="text-heading">
          <div className="sheet__head">
            <h2 className="h3" id="text-heading">
              正文
            </h2>
            <span className="muted small">{view.wordCount} 字</span>
          </div>
          <Paragraphs text={view.text} />
        </section>
      )}
      {view.similarity ? <SimilarityCheck /> : null}
    </AppShell>
  );
}

/** The submitted text, paragraph by paragraph (indexes are lines of the text). */
function Paragraphs({ text, notes }: { text: string; notes?: Record<string, string> }) {
  let n = 0;
  return (
    <div className="refl-text exam-paras" data-testid="examination-text">
      {text.split("\n").map((line, i) => {
        if (!line.trim()) return null;
        n++;
        if (!notes) return <p key={i}>{line}</p>;
        const value = notes[`note.${i}`] ?? "";
        return (
          <div key={i} className="exam-para">
            <p>
              <span className="exam-para__n">{n}</span>
              {line}
            </p>
            <details className="exam-para__note" open={value !== ""}>
              <summary>对此段提意见</summary>
              <textarea
                className="input"
                name={`note.${i}`}
                rows={2}
                maxLength={PASSAGE_COMMENT_MAX}
                defaultValue={value}
                aria-label={`对第 ${n} 段的意见`}
                placeholder="如：问题查摆不具体，请举出本人工作中的实例。"
              />
            </details>
          </div>
        );
      })}
    </div>
  );
}

function ReviewForm({ result, busy }: { result?: Result; busy: boolean }) {
  const { view } = useLoaderData<typeof loader>();
  const returnReply = result?.intent === "return" && !result.ok ? result : undefined;
  const acceptReply = result?.intent === "accept" && !result.ok ? result : undefined;
  const values = returnReply?.values ?? {};
  return (
    <>
      <section className="card section refl-review" aria-labelledby="review-heading">
        <h2 className="h3" id="review-heading">
          审阅
        </h2>
        <p className="muted small">
          材料问题查摆到位、原因剖析深刻、整改措施具体的，审阅通过；否则在下方对段落提出意见后退回。
        </p>
        {acceptReply ? <FormAlert error={acceptReply.formError} /> : null}
        <Form method="post">
          <input type="hidden" name="intent" value="accept" />
          <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
            审阅通过
          </button>
        </Form>
      </section>
      <Form method="post" className="sheet form exam-return" noValidate aria-labelledby="text-heading">
        <input type="hidden" name="intent" value="return" />
        <div className="sheet__head">
          <h2 className="h3" id="text-heading">
            正文与段落意见
          </h2>
          <span className="muted small">{view.wordCount} 字</span>
        </div>
        <Paragraphs text={view.text} notes={values} />
        <div className="exam-return__foot">
          <label className="field">
            <span className="field__label">总体意见</span>
            <textarea
              className="input refl-review__comment"
              name="comment"
              rows={3}
              maxLength={REVIEW_COMMENT_MAX}
              defaultValue={values.comment ?? ""}
              placeholder="如：对照检查不够深入，原因剖析流于形式，请结合本职工作重新查摆。"
              aria-invalid={returnReply?.fieldErrors?.comment ? true : undefined}
              aria-describedby="comment-error"
            />
            <FieldError id="comment-error" message={returnReply?.fieldErrors?.comment} />
          </label>
          {returnReply?.formError ? <FormAlert error={returnReply.formError} /> : null}
          <button className="btn" type="submit" disabled={busy}>
            退回修改
          </button>
        </div>
      </Form>
    </>
  );
}

const SOURCE_LABEL = {
  member: "本支部今年其他同志的材料",
  earlier: "本人往年的材料",
  boilerplate: "常见模板",
} as const;

function SimilarityCheck() {
  const { view } = useLoaderData<typeof loader>();
  const s = view.similarity!;
  const compared = s.comparedWith.members + s.comparedWith.earlier + s.comparedWith.boilerplate;
  return (
    <section className="section" aria-labelledby="similarity-heading" data-testid="similarity">
      <div className="section__head">
        <h2 className="h3" id="similarity-heading">
          相似度比对
        </h2>
        <span className="muted small">比对于 {when(s.checkedAt)}</span>
      </div>
      <div className="card refl-score" data-flagged={s.flagged ? "" : undefined}>
        <div className="refl-score__figure">
          <span className="refl-score__value" data-testid="similarity-score">
            {s.checked ? percent(s.score) : "—"}
          </span>
          <span className="refl-score__label">最高相似度</span>
        </div>
        <div className="refl-score__text">
          {!s.checked ? (
            <p>篇幅太短或几乎全是引用，未作判断。</p>
          ) : s.flagged ? (
            <p>
              <span className="tag tag--gold">疑似雷同</span> 相似度达到 {percent(s.threshold)}
              的提示线。请对照下方标出的重合段落判断，这只是提示，不是结论。
            </p>
          ) : (
            <p>未发现明显雷同（提示线为 {percent(s.threshold)}）。</p>
          )}
          <p className="muted small">
            比对了{SOURCE_LABEL.member} {s.comparedWith.members} 份、{SOURCE_LABEL.earlier} {s.comparedWith.earlier}{" "}
            份和{SOURCE_LABEL.boilerplate} {s.comparedWith.boilerplate} 段（共 {compared}）。
          </p>
        </div>
      </div>
      {s.matches.map((m, i) => {
        const ranges = m.passages.map((p, j) => ({ start: p.start, end: p.end, n: j + 1 }));
        const otherRanges = m.passages.map((p, j) => ({ start: p.otherStart, end: p.otherEnd, n: j + 1 }));
        const other =
          m.source === "member"
            ? `${m.name}的材料（${m.meetingTitle}）`
            : m.source === "earlier"
              ? `本人往年的材料：${m.meetingTitle}（${formatDate(m.meetingStartsAt!)}）`
              : `模板「${m.name}」`;
        return (
          <details
            key={`${m.source}:${m.meetingId}:${m.userId}:${m.name}`}
            className="panel refl-match"
            open={i === 0}
            data-source={m.source}
          >
            <summary>
              <span className="refl-match__title">{`与${other}`}</span>
              <span className={m.score >= s.threshold ? "tag tag--gold" : "tag tag--muted"}>
                相似度 {percent(m.score)}
              </span>
              <span className="muted small">重合 {m.passages.length} 段</span>
            </summary>
            <div className="refl-compare">
              <div className="refl-compare__side">
                <p className="refl-compare__label">本篇（{view.author.name}）</p>
                <HighlightedText text={view.text} ranges={ranges} label="本篇，重合段落已标出" />
              </div>
              <div className="refl-compare__side">
                <p className="refl-compare__label">{m.source === "boilerplate" ? "模板" : m.name}</p>
                {m.otherText !== null ? (
                  <HighlightedText text={m.otherText} ranges={otherRanges} label="对方，重合段落已标出" />
                ) : (
                  <p className="muted small refl-compare__hidden">你无权查看对方原文，左侧已标出本篇中重合的段落。</p>
                )}
              </div>
            </div>
          </details>
        );
      })}
    </section>
  );
}

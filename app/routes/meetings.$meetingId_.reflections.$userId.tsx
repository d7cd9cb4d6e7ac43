import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { acceptReflection, reflectionFor, returnReflection } from "../../server/services/reflections/review";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { REVIEW_COMMENT_MAX, ReflectionReviewSchema } from "../../shared/schemas/reflections";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { ClockIcon, FlagIcon, UserIcon } from "../components/icons";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { HighlightedText, percent, ReflectionStatusTag, SubmittedText } from "../components/reflection-parts";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import reflectionStyles from "../styles/reflections.css?url";

// One submitted 心得体会, for whoever may read it: the reviewers (with the similarity check,
// the overlapping passages highlighted next to the text they match, and accept / return), and
// with the branch setting 「提交后全支部可见」 the other members. A draft is its author's alone:
// for anyone else it does not exist (404). The author's own is on /meetings/<id>/reflection.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.view.author.name}的心得体会 · ${data.view.meeting.title} · 同心` : "同心" },
];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: reflectionStyles }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const meetingId = params.meetingId ?? "";
  if (params.userId === user.id) throw redirect(`/meetings/${meetingId}/reflection`);
  const view = await loaded(reflectionFor(context.services.sql, actor.subject, meetingId, params.userId ?? ""));
  return { userName: user.displayName, view };
}

type Result = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const meetingId = params.meetingId ?? "";
  const authorId = params.userId ?? "";
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const parsed = ReflectionReviewSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, intent);
  try {
    if (parsed.data.intent === "accept") {
      await acceptReflection(sql, live, actor, meetingId, authorId);
      return { ok: "已审阅通过，并通知本人。", intent } satisfies Result;
    }
    await returnReflection(sql, live, actor, meetingId, authorId, parsed.data.comment);
    return { ok: "已退回，并把意见通知本人。本人修改后可重新提交。", intent } satisfies Result;
  } catch (e) {
    return refused(e, intent);
  }
}

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;

export default function ReflectionPage() {
  const { userName, view } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const kind = MEETING_KIND_LABEL[view.meeting.kind];
  const manage = view.access === "manage";
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${view.meeting.id}/reflections`, label: "心得体会" }} trail={[kind]} />
      <MeetingHead
        tags={
          <>
            <ReflectionStatusTag status={view.status} />
            {view.author.role === "guest" ? <span className="tag tag--outline">列席</span> : null}
            {view.similarity?.flagged ? <span className="tag tag--gold">疑似雷同</span> : null}
          </>
        }
        eyebrow="心得体会"
        title={`${view.author.name}的心得体会`}
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
      {view.review && view.status === "returned" ? (
        <div className="alert refl-returned" role="status">
          <div>
            <p className="refl-returned__title">
              已退回修改（{view.review.byName ? `${view.review.byName}，` : ""}
              {when(view.review.at)}），等待本人重新提交
            </p>
            <p className="refl-returned__comment">{view.review.comment}</p>
          </div>
        </div>
      ) : null}
      {view.review && view.status === "accepted" ? (
        <p className="alert alert--ok" role="status">
          已由{view.review.byName ?? "审阅人"}于 {when(view.review.at)} 审阅通过。
        </p>
      ) : null}
      {manage && view.status === "submitted" && view.review?.comment ? (
        <p className="alert" role="status">
          这是退回后重新提交的版本。上次退回意见：{view.review.comment}
        </p>
      ) : null}

      <section className="sheet" aria-labelledby="text-heading">
        <div className="sheet__head">
          <div className="sheet__title">
            <h2 className="h3" id="text-heading">
              正文
            </h2>
            {view.status === "returned" ? <span className="tag tag--muted">退回前的版本</span> : null}
          </div>
          <span className="muted small">{view.wordCount} 字</span>
        </div>
        <SubmittedText text={view.text} />
      </section>

      {manage && view.similarity ? <SimilarityCheck /> : null}
      {view.canReview ? <ReviewForms result={result} busy={busy} /> : null}
    </AppShell>
  );
}

function ReviewForms({ result, busy }: { result?: Result; busy: boolean }) {
  const returnReply = result?.intent === "return" && !result.ok ? result : undefined;
  const acceptReply = result?.intent === "accept" && !result.ok ? result : undefined;
  return (
    <section className="card section refl-review" aria-labelledby="review-heading">
      <h2 className="h3" id="review-heading">
        审阅
      </h2>
      <p className="muted small">通过后本人会收到通知；退回时请写明需要修改的地方，本人修改后可重新提交。</p>
      {acceptReply ? <FormAlert error={acceptReply.formError} /> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="accept" />
        <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
          审阅通过
        </button>
      </Form>
      <details className="panel" open={Boolean(returnReply)}>
        <summary>退回修改</summary>
        <Form method="post" className="panel__body form" noValidate>
          <input type="hidden" name="intent" value="return" />
          <label className="field">
            <span className="field__label">退回意见（必填）</span>
            <textarea
              className="input refl-review__comment"
              name="comment"
              rows={4}
              maxLength={REVIEW_COMMENT_MAX}
              placeholder="如：联系本职工作谈得不够具体，请结合窗口服务中的实例修改。"
              aria-invalid={returnReply?.fieldErrors?.comment ? true : undefined}
              aria-describedby="comment-error"
            />
            <FieldError id="comment-error" message={returnReply?.fieldErrors?.comment} />
          </label>
          {returnReply?.formError && !returnReply.fieldErrors?.comment ? (
            <FormAlert error={returnReply.formError} />
          ) : null}
          <button className="btn" type="submit" disabled={busy}>
            退回修改
          </button>
        </Form>
      </details>
    </section>
  );
}

function SimilarityCheck() {
  const { view } = useLoaderData<typeof loader>();
  const s = view.similarity!;
  const compared = s.comparedWith.session + s.comparedWith.earlier;
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
            {s.checked && compared > 0 ? percent(s.score) : "—"}
          </span>
          <span className="refl-score__label">{compared > 0 ? "最高相似度" : "暂无可比对"}</span>
        </div>
        <div className="refl-score__text">
          {!s.checked ? (
            <p>篇幅太短或几乎全是引用，未作判断。</p>
          ) : compared === 0 ? (
            <p>提交时本次还没有其他同志提交，本人也没有以往的心得体会，未作比对。</p>
          ) : s.flagged ? (
            <p>
              <span className="tag tag--gold">疑似雷同</span> 相似度达到 {percent(s.threshold)}
              的提示线。请对照下方标出的重合段落判断，这只是提示，不是结论。
            </p>
          ) : (
            <p>未发现明显雷同（提示线为 {percent(s.threshold)}）。</p>
          )}
          <p className="muted small">
            {compared === 0
              ? ""
              : `比对了本次其他同志的 ${s.comparedWith.session} 篇和本人以往的 ${s.comparedWith.earlier} 篇心得体会。`}
            {s.quoted >= 0.05 ? `约 ${percent(s.quoted)} 的内容引自学习材料、议程或常用提法，不计入相似度。` : ""}
          </p>
        </div>
      </div>
      {s.matches.map((m, i) => {
        const ranges = m.passages.map((p, j) => ({ start: p.start, end: p.end, n: j + 1 }));
        const otherRanges = m.passages.map((p, j) => ({ start: p.otherStart, end: p.otherEnd, n: j + 1 }));
        const other =
          m.source === "session"
            ? `${m.name}的心得体会（本次）`
            : `本人此前的心得体会：${m.meetingTitle}（${formatDate(m.meetingStartsAt)}）`;
        return (
          <details key={`${m.source}:${m.meetingId}:${m.userId}`} className="panel refl-match" open={i === 0}>
            <summary>
              <span className="refl-match__title">{`与${other}`}</span>
              <span className={m.score >= s.threshold ? "tag tag--gold" : "tag tag--muted"}>
                相似度 {percent(m.score)}
              </span>
              <span className="muted small">重合 {m.passages.length} 段</span>
            </summary>
            {m.source === "session" ? <WhoWasFirst match={m} author={view.author.name} /> : null}
            <div className="refl-compare">
              <div className="refl-compare__side">
                <p className="refl-compare__label">本篇（{view.author.name}）</p>
                <HighlightedText text={view.text} ranges={ranges} label="本篇，重合段落已标出" />
              </div>
              <div className="refl-compare__side">
                <p className="refl-compare__label">{m.source === "session" ? m.name : "本人此前"}</p>
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

type ShownMatch = NonNullable<Awaited<ReturnType<typeof loader>>["view"]["similarity"]>["matches"][number];

/**
 * Who had the shared passages first, from when each side first stored them in its own document.
 * The earlier author is not flagged for a passage the other took over.
 */
function WhoWasFirst({ match, author }: { match: ShownMatch; author: string }) {
  const earliest = (key: "mineAt" | "otherAt") =>
    match.passages
      .map((p) => p[key])
      .filter((t): t is string => typeof t === "string")
      .sort()[0];
  const mine = earliest("mineAt");
  const other = earliest("otherAt");
  let text: string;
  switch (match.earlier) {
    case "mine":
      text = `${author}先写：这些段落本篇最早存于 ${when(mine!)}，${match.name}的在 ${when(other!)}。不计入本篇的相似度。`;
      break;
    case "other":
      text = `${match.name}先写：这些段落对方最早存于 ${when(other!)}，本篇在 ${when(mine!)}。`;
      break;
    case "mixed":
      text = `有的段落${author}先写，有的${match.name}先写；相似度只计对方先写的段落。`;
      break;
    default:
      return null;
  }
  return (
    <p className="refl-order muted small" data-testid="who-was-first">
      {text}
    </p>
  );
}

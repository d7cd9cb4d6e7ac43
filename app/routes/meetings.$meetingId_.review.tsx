import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import {
  closeReviewBallot,
  openReviewBallot,
  reviewPage,
  saveSelfAssessment,
  submitReviewBallot,
} from "../../server/services/life/review-ballot";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { GRADE_LABEL, GRADES, gradesFromForm } from "../../shared/domain/review";
import { AppShell } from "../components/app-shell";
import { ConfirmButton } from "../components/confirm-dialog";
import { ClockIcon } from "../components/icons";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { loaded, refused, type FormErrors } from "../lib/form-errors.server";
import { formatDate, formatRange } from "../lib/format";
import reviewStyles from "../styles/review.css?url";

// 民主评议党员 on a phone: the member's 个人自评, the secret 互评/民主测评 ballot (every other
// member on the roll graded 优秀/合格/基本合格/不合格, nothing preselected, a draft kept on this
// device only, submitted once), the 评定意见 the 支委会 recorded about them, and for those who
// run the meeting: open and close the ballot. The server never keeps a draft: a draft on the
// server would be a voter's grades beside their name (docs/decisions/030).

export const links: LinksFunction = () => [{ rel: "stylesheet", href: reviewStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `民主评议 · ${data.page.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const page = await loaded(reviewPage(context.services.sql, actor.subject, params.meetingId ?? ""));
  return { userName: user.displayName, me: user.id, page };
}

const IntentSchema = z.enum(["open", "close", "self", "submit"], { error: "无法识别的操作" });

type Result = FormErrors & { ok?: string; keep?: Record<string, string> };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const parsed = IntentSchema.safeParse(form.intent);
  if (!parsed.success) return data<Result>({ formError: parsed.error.issues[0].message }, { status: 400 });
  const intent = parsed.data;
  try {
    switch (intent) {
      case "open": {
        const r = await openReviewBallot(sql, actor, meetingId);
        return {
          intent,
          ok: `民主评议测评已开始：${r.voters} 名正式党员参加互评，${r.graded} 名党员参评。`,
        } satisfies Result;
      }
      case "close":
        await closeReviewBallot(sql, actor, meetingId);
        return { intent, ok: "民主评议测评已结束，支委可以查看测评结果并记录评定意见。" } satisfies Result;
      case "self":
        await saveSelfAssessment(sql, actor, meetingId, { grade: form.grade, summary: form.summary });
        return { intent, ok: "个人自评已保存。测评结束前可以修改。" } satisfies Result;
      case "submit":
        await submitReviewBallot(sql, actor, meetingId, form);
        return { intent, ok: "测评票已提交。票面只计入各人的得票数，不与你的名字一起保存。" } satisfies Result;
    }
  } catch (e) {
    const reply = refused(e, intent);
    // Without JavaScript the page comes back as posted: the voter's own choices, to this voter only.
    if (intent === "submit") {
      const keep = Object.fromEntries(gradesFromForm(form));
      return data<Result>({ ...reply.data, keep }, { status: reply.init?.status ?? 400 });
    }
    return reply;
  }
}

const draftKey = (meetingId: string, me: string) => `tongxin:review-draft:${meetingId}:${me}`;

export default function ReviewPage() {
  const { userName, me, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const m = page.meeting;
  const b = page.ballot;
  const resultFor = (intent: string) => (result?.intent === intent ? result : undefined);

  return (
    <AppShell userName={userName}>
      <Crumbs
        back={{ to: `/meetings/${m.id}`, label: "会议" }}
        trail={[MEETING_KIND_LABEL[m.kind as MeetingKind], "民主评议"]}
      />
      <header className="meeting-head">
        <p className="eyebrow">民主评议党员</p>
        <h1 className="meeting-head__title">{m.title}</h1>
        <dl className="facts">
          <div>
            <dt>
              <ClockIcon />
              <span className="sr-only">会议时间</span>
            </dt>
            <dd>{formatRange(m.startsAt, m.endsAt)}</dd>
          </div>
        </dl>
        {b ? (
          <p className="review-status" data-testid="review-status" data-status={b.status}>
            {b.status === "open" ? "测评进行中" : b.reported ? "已结束，结果已上报" : "测评已结束"}
            <span className="muted">
              ·已提交 {b.submitted}/{b.expected}
            </span>
          </p>
        ) : null}
      </header>

      {!result?.intent || result.intent === "open" || result.intent === "close" ? (
        <FormAlert error={result?.formError} ok={result?.ok} />
      ) : null}

      {page.outcome ? (
        <section className="card section review-outcome" data-testid="my-outcome" aria-labelledby="outcome-heading">
          <h2 className="h3" id="outcome-heading">
            支委会评定意见
          </h2>
          <p>
            评定等次：<strong data-grade={page.outcome.grade}>{GRADE_LABEL[page.outcome.grade]}</strong>
          </p>
          <p className="review-outcome__text">{page.outcome.opinion}</p>
          <p className="muted review-note">记录于 {formatDate(page.outcome.decidedAt)}</p>
        </section>
      ) : null}

      {page.canManage ? <ManageCard page={page} busy={busy} /> : null}

      {b && page.voter ? (
        <BallotCard
          key={`${m.id}:${me}`}
          meetingId={m.id}
          me={me}
          open={b.status === "open"}
          submitted={page.voter.submitted}
          toGrade={page.toGrade}
          result={resultFor("submit")}
          busy={busy}
        />
      ) : b && page.noVoteReason ? (
        <section className="card section" data-testid="no-vote">
          <h2 className="h3">党员互评和民主测评</h2>
          <p className="muted">{page.noVoteReason}</p>
        </section>
      ) : null}

      {page.self ? <SelfCard self={page.self} result={resultFor("self")} busy={busy} /> : null}

      {!b ? (
        <section className="card section">
          <p className="muted">民主评议测评还没有开始。开始后，你会收到通知。</p>
        </section>
      ) : null}
    </AppShell>
  );
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>["page"];

function ManageCard({ page, busy }: { page: Page; busy: boolean }) {
  const b = page.ballot;
  return (
    <section className="card section review-manage" aria-labelledby="manage-heading">
      <h2 className="h3" id="manage-heading">
        组织测评
      </h2>
      {!b ? (
        <Form method="post" className="form">
          <p className="muted">
            开始后，本支部的正式党员（流动党员在组织关系所在支部参加）对正式党员和预备党员无记名测评；名单以开始时的组织关系为准。
          </p>
          <button className="btn btn--primary" type="submit" name="intent" value="open" disabled={busy}>
            开始民主评议测评
          </button>
        </Form>
      ) : (
        <div className="actions">
          {b.status === "open" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="close" />
              <ConfirmButton
                className="btn"
                disabled={busy}
                confirm={{
                  title: "结束民主评议测评？",
                  message: (
                    <p>
                      已提交 {b.submitted}/{b.expected}。结束后不能再提交测评票和个人自评，支委可以看到各人得票。
                    </p>
                  ),
                  confirmLabel: "结束测评",
                }}
              >
                结束测评
              </ConfirmButton>
            </Form>
          ) : null}
          {page.canSeeResults ? (
            <Link className="btn btn--primary" to={`/meetings/${page.meeting.id}/review/results`}>
              测评结果与评定
            </Link>
          ) : null}
        </div>
      )}
    </section>
  );
}

function BallotCard({
  meetingId,
  me,
  open,
  submitted,
  toGrade,
  result,
  busy,
}: {
  meetingId: string;
  me: string;
  open: boolean;
  submitted: boolean;
  toGrade: { userId: string; name: string }[];
  result?: Result;
  busy: boolean;
}) {
  const key = draftKey(meetingId, me);
  const [grades, setGrades] = useState<Record<string, string>>(result?.keep ?? {});
  const [restored, setRestored] = useState(false);
  // The draft lives on this device only; it is read after mount (the server renders nothing chosen).
  useEffect(() => {
    if (submitted || result?.ok) {
      window.localStorage.removeItem(key);
      return;
    }
    try {
      const saved = JSON.parse(window.localStorage.getItem(key) ?? "{}") as Record<string, string>;
      const known = Object.fromEntries(
        Object.entries(saved).filter(
          ([id, g]) => toGrade.some((p) => p.userId === id) && (GRADES as readonly string[]).includes(g),
        ),
      );
      if (Object.keys(known).length > 0) {
        setGrades((g) => ({ ...known, ...g }));
        setRestored(true);
      }
    } catch {
      window.localStorage.removeItem(key);
    }
  }, [key, submitted, result?.ok, toGrade]);

  const choose = (userId: string, grade: string) => {
    setGrades((g) => {
      const next = { ...g, [userId]: grade };
      window.localStorage.setItem(key, JSON.stringify(next));
      return next;
    });
  };
  const done = toGrade.filter((p) => grades[p.userId]).length;

  if (submitted || result?.ok)
    return (
      <section className="card section" data-testid="ballot-done" aria-labelledby="ballot-heading">
        <h2 className="h3" id="ballot-heading">
          党员互评和民主测评
        </h2>
        <FormAlert ok={result?.ok} />
        <p className="muted">你已提交测评票。为保证无记名，系统只记录“已提交”，不保存你对每个人的评定。</p>
      </section>
    );
  if (!open)
    return (
      <section className="card section" aria-labelledby="ballot-heading">
        <h2 className="h3" id="ballot-heading">
          党员互评和民主测评
        </h2>
        <p className="muted">测评已结束，你没有提交测评票。</p>
      </section>
    );

  return (
    <section className="card section review-ballot" aria-labelledby="ballot-heading">
      <div className="review-ballot__head">
        <h2 className="h3" id="ballot-heading">
          党员互评和民主测评
        </h2>
        <span
          className="review-progress"
          data-testid="ballot-progress"
          data-complete={done === toGrade.length || undefined}
        >
          已评 {done}/{toGrade.length}
        </span>
      </div>
      <p className="muted review-note">
        无记名：只统计每人各等次的票数，不记录谁投了什么。未提交的选择只保存在本机
        {restored ? "（已恢复上次未提交的选择）" : ""}。每人都须选择一个等次，提交后不能修改。
      </p>
      <FormAlert error={result?.formError} />
      <Form method="post" className="review-ballot__form" data-testid="ballot-form">
        <input type="hidden" name="intent" value="submit" />
        <ul className="review-roll">
          {toGrade.map((p) => {
            const err = result?.fieldErrors?.[`grade.${p.userId}`];
            return (
              <li key={p.userId} className="review-roll__row" data-chosen={grades[p.userId] ? "" : undefined}>
                <fieldset className="review-grades" aria-describedby={err ? `err-${p.userId}` : undefined}>
                  <legend className="review-grades__name">{p.name}</legend>
                  <div className="review-grades__options">
                    {GRADES.map((g) => (
                      <label key={g} className="review-grade" data-grade={g}>
                        <input
                          type="radio"
                          name={`grade.${p.userId}`}
                          value={g}
                          checked={grades[p.userId] === g}
                          onChange={() => choose(p.userId, g)}
                        />
                        <span>{GRADE_LABEL[g]}</span>
                      </label>
                    ))}
                  </div>
                </fieldset>
                <FieldError id={`err-${p.userId}`} message={err} />
              </li>
            );
          })}
        </ul>
        <ConfirmButton
          className="btn btn--primary btn--block"
          disabled={busy}
          ask={() => done === toGrade.length}
          confirm={{
            title: "提交测评票？",
            message: <p>提交后不能修改，也不能再次提交。你的选择只计入每人的票数，不与你的名字一起保存。</p>,
            confirmLabel: "提交测评票",
            tone: "primary",
          }}
        >
          {busy ? "正在提交…" : "提交测评票"}
        </ConfirmButton>
      </Form>
    </section>
  );
}

function SelfCard({
  self,
  result,
  busy,
}: {
  self: { grade: string | null; summary: string | null; canEdit: boolean };
  result?: Result;
  busy: boolean;
}) {
  if (!self.canEdit)
    return (
      <section className="card section" aria-labelledby="self-heading" data-testid="self-view">
        <h2 className="h3" id="self-heading">
          个人自评
        </h2>
        {self.grade ? (
          <>
            <p>
              自评等次：<strong>{GRADE_LABEL[self.grade as keyof typeof GRADE_LABEL]}</strong>
            </p>
            <p className="review-outcome__text">{self.summary}</p>
          </>
        ) : (
          <p className="muted">测评期间没有填写个人自评。</p>
        )}
      </section>
    );
  return (
    <section className="card section" aria-labelledby="self-heading">
      <h2 className="h3" id="self-heading">
        个人自评
      </h2>
      <FormAlert error={result?.formError} ok={result?.ok} />
      <Form method="post" className="form" data-testid="self-form">
        <input type="hidden" name="intent" value="self" />
        <fieldset className="review-grades">
          <legend className="field__label">自评等次</legend>
          <div className="review-grades__options">
            {GRADES.map((g) => (
              <label key={g} className="review-grade" data-grade={g}>
                <input type="radio" name="grade" value={g} defaultChecked={self.grade === g} />
                <span>{GRADE_LABEL[g]}</span>
              </label>
            ))}
          </div>
          <FieldError id="self-grade-error" message={result?.fieldErrors?.grade} />
        </fieldset>
        <label className="field">
          <span className="field__label">自评内容</span>
          <textarea
            className="input review-textarea"
            name="summary"
            rows={5}
            maxLength={2000}
            defaultValue={self.summary ?? ""}
            placeholder="对照党员标准，简要总结一年来的思想、学习、工作和作风情况，以及存在的不足。"
          />
          <FieldError id="self-summary-error" message={result?.fieldErrors?.summary} />
        </label>
        <button className="btn" type="submit" disabled={busy}>
          保存个人自评
        </button>
      </Form>
    </section>
  );
}

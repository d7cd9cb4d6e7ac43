import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { recordOutcomes, reportReviewResults, reviewResults } from "../../server/services/life/review-outcomes";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import {
  excellentWarning,
  GRADE_LABEL,
  GRADES,
  outcomesFromForm,
  UNQUALIFIED_FOLLOW_UP,
} from "../../shared/domain/review";
import { AppShell } from "../components/app-shell";
import { ConfirmButton } from "../components/confirm-dialog";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { loaded, refused, type FormErrors } from "../lib/form-errors.server";
import { formatDate } from "../lib/format";
import { FigureStrip, figureStripStyles } from "../components/figure-strip";
import reviewStyles from "../styles/review.css?url";

// 民主评议党员 for the 支委 (desktop first, works on a phone): who has submitted, each member's
// 个人自评, the tallies once the ballot is closed, the 优秀 cap of the branch, and the 支委会's
// 评定 with a written opinion per member; then the report to the level above. A 不合格 is
// flagged: what follows is for a 支部党员大会 vote. The 党委 reads it once reported. Every load
// is in the audit log.

export const links: LinksFunction = () => [...figureStripStyles, { rel: "stylesheet", href: reviewStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `测评结果 · ${data.results.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const results = await loaded(reviewResults(context.services.sql, actor, params.meetingId ?? ""));
  return { userName: user.displayName, results };
}

const IntentSchema = z.enum(["record", "report"], { error: "无法识别的操作" });

type Result = FormErrors & { ok?: string; warning?: string | null; keep?: Record<string, string> };

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
      case "record": {
        const r = await recordOutcomes(sql, actor, meetingId, outcomesFromForm(form));
        return {
          intent,
          ok: `已记录 ${r.saved} 名党员的评定意见，本人会收到通知。`,
          warning: r.warning,
        } satisfies Result;
      }
      case "report":
        await reportReviewResults(sql, actor, meetingId);
        return { intent, ok: "评议结果已上报上级党组织。" } satisfies Result;
    }
  } catch (e) {
    const reply = refused(e, intent);
    if (intent !== "record") return reply;
    // What was typed comes back, so a refused row loses nothing.
    const keep = Object.fromEntries(
      Object.entries(form).filter(([k, v]) => k.startsWith("outcome.") && typeof v === "string"),
    ) as Record<string, string>;
    return data<Result>({ ...reply.data, keep }, { status: reply.init?.status ?? 400 });
  }
}

export default function ReviewResultsPage() {
  const { userName, results: r } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const keep = result?.keep ?? {};
  const initial = Object.fromEntries(
    r.rows.map((x) => [x.userId, keep[`outcome.${x.userId}.grade`] ?? x.outcome?.grade ?? ""]),
  );
  const [chosen, setChosen] = useState<Record<string, string>>(initial);
  const excellentNow = Object.values(chosen).filter((g) => g === "excellent").length;
  const warning = excellentWarning(r.cap.percent, r.cap.graded, excellentNow);
  const over = warning !== null;

  return (
    <AppShell userName={userName}>
      <Crumbs
        back={{ to: `/meetings/${r.meeting.id}/review`, label: "民主评议" }}
        trail={[MEETING_KIND_LABEL[r.meeting.kind as MeetingKind], "测评结果与评定"]}
      />
      <header className="meeting-head">
        <p className="eyebrow">
          {r.meeting.orgName} · 民主评议党员 · {formatDate(r.meeting.startsAt)}
        </p>
        <h1 className="meeting-head__title">测评结果与评定</h1>
        <p className="muted">{r.meeting.title}</p>
      </header>

      <FigureStrip
        testId="review-stats"
        className="review-figures"
        figures={[
          { key: "ballots", label: "测评票", value: r.submitted, of: r.expected },
          { key: "graded", label: "参评党员", value: r.cap.graded },
          {
            key: "cap",
            label: "优秀上限",
            value: excellentNow,
            of: r.cap.max,
            tone: over ? "warn" : undefined,
            testId: "cap",
          },
          {
            key: "status",
            label: "状态",
            value: r.status === "open" ? "测评中" : r.reported ? "已上报" : "已结束",
            word: true,
          },
        ]}
      />

      <FormAlert error={result?.formError} ok={result?.ok} />
      {warning ? (
        <p className="alert review-warning" role="status" data-testid="cap-warning">
          {warning}
        </p>
      ) : null}

      {r.status === "open" ? (
        <p className="card section muted" data-testid="tally-hidden">
          测评进行中：为保证无记名，结束测评前不显示得票。
          <Link to={`/meetings/${r.meeting.id}/review`}>去结束测评</Link>
        </p>
      ) : null}

      <Form method="post" className="review-results" data-testid="outcome-form">
        <input type="hidden" name="intent" value="record" />
        <div className="review-table" role="table" aria-label="测评结果与评定">
          <div className="review-table__head" role="row">
            <span role="columnheader">党员</span>
            <span role="columnheader">个人自评</span>
            <span role="columnheader">测评票（优秀/合格/基本合格/不合格）</span>
            <span role="columnheader">支委会评定</span>
          </div>
          {r.rows.map((x) => {
            const gradeField = `outcome.${x.userId}.grade`;
            const opinionField = `outcome.${x.userId}.opinion`;
            const err = result?.fieldErrors?.[gradeField] ?? result?.fieldErrors?.[opinionField];
            const flagged = (chosen[x.userId] ?? "") === "unqualified";
            return (
              <div
                key={x.userId}
                className="review-table__row"
                role="row"
                data-testid="result-row"
                data-flagged={flagged || undefined}
              >
                <span role="cell" className="review-person">
                  <strong>{x.name}</strong>
                  <span className="muted">{x.categoryLabel}</span>
                </span>
                <span role="cell" className="review-self">
                  {x.self ? (
                    <>
                      <span className="tag tag--outline">{GRADE_LABEL[x.self.grade]}</span>
                      <span className="review-self__text">{x.self.summary}</span>
                    </>
                  ) : (
                    <span className="muted">未填写</span>
                  )}
                </span>
                <span role="cell" className="review-counts" data-testid="counts">
                  {x.counts ? (
                    GRADES.map((g) => (
                      <span
                        key={g}
                        className="review-count"
                        data-grade={g}
                        data-some={x.counts![g] > 0 || undefined}
                        title={GRADE_LABEL[g]}
                      >
                        <span className="review-count__label">{GRADE_LABEL[g]}</span>
                        <strong>{x.counts![g]}</strong>
                      </span>
                    ))
                  ) : (
                    <span className="muted">结束后显示</span>
                  )}
                  {x.counts ? <span className="muted review-count__of">应收 {x.expectedGrades} 票</span> : null}
                </span>
                <span role="cell" className="review-decide">
                  {r.canRecord ? (
                    <>
                      <select
                        className="select"
                        name={gradeField}
                        aria-label={`${x.name}的评定等次`}
                        value={chosen[x.userId] ?? ""}
                        onChange={(e) => setChosen((c) => ({ ...c, [x.userId]: e.target.value }))}
                      >
                        <option value="">未评定</option>
                        {GRADES.map((g) => (
                          <option key={g} value={g}>
                            {GRADE_LABEL[g]}
                          </option>
                        ))}
                      </select>
                      <textarea
                        className="input review-textarea"
                        name={opinionField}
                        rows={2}
                        maxLength={1000}
                        aria-label={`${x.name}的评定意见`}
                        placeholder="评定意见：主要优点、不足和努力方向"
                        defaultValue={keep[opinionField] ?? x.outcome?.opinion ?? ""}
                      />
                    </>
                  ) : x.outcome ? (
                    <>
                      <strong>{GRADE_LABEL[x.outcome.grade]}</strong>
                      <span className="review-self__text">{x.outcome.opinion}</span>
                    </>
                  ) : (
                    <span className="muted">未评定</span>
                  )}
                  {flagged || x.flagged ? (
                    <span className="review-flag" data-testid="flag">
                      {UNQUALIFIED_FOLLOW_UP}
                    </span>
                  ) : null}
                  <FieldError id={`err-${x.userId}`} message={err} />
                </span>
              </div>
            );
          })}
        </div>
        {r.canRecord ? (
          <div className="actions">
            <button className="btn btn--primary" type="submit" disabled={busy}>
              {busy ? "正在保存…" : "保存评定意见"}
            </button>
            <span className="muted review-note">留空的行不保存；上报前可以修改。</span>
          </div>
        ) : null}
      </Form>

      {r.canRecord ? (
        <Form method="post" className="card section review-report">
          <input type="hidden" name="intent" value="report" />
          <p className="muted">
            {r.canReport
              ? "所有参评党员都已评定。上报后评定意见不能再修改，上级党委可以查看测评结果和评定。"
              : "所有参评党员都记录评定意见后才能上报。"}
          </p>
          <ConfirmButton
            className="btn"
            disabled={busy || !r.canReport}
            confirm={{
              title: "上报评议结果？",
              message: <p>上报后评定意见不能再修改。</p>,
              confirmLabel: "上报",
              tone: "primary",
            }}
          >
            上报上级党组织
          </ConfirmButton>
        </Form>
      ) : null}
    </AppShell>
  );
}

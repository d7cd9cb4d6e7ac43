import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useParams } from "@remix-run/react";
import { askAboveAccess, endAboveGrant } from "../../server/services/life/above-access";
import { attendFromAbove, reportOutcome, reportPlan } from "../../server/services/life/reports";
import { linkStudy, recordOfflineStudy, unlinkStudy } from "../../server/services/life/study";
import { LifeActionSchema } from "../../shared/schemas/life-cycle";
import { requireActor } from "../lib/actor.server";
import { DomainError } from "../../server/services/errors";
import { chinaShort } from "../../shared/time";
import { invalid, loaded, type FormErrors } from "../lib/form-errors.server";
import { notFound } from "../lib/auth.server";
import { loadMeetingScope } from "../../server/services/meeting-scope";
import { hasLifeCycle } from "../../shared/domain/life-cycle";

// The forms of the 组织生活会 cycle on a meeting's page (app/components/life-cycle-panel.tsx posts
// here with fetchers): link or unlink a study, record an offline study, 上报 the plan or the
// outcome, join as 列席 from above, ask to read the confidential records from above or end such a
// grant early. Each service checks the rights itself (shared/permissions: lifeStudyAccess,
// lifeReportAccess, mayAttendFromAbove, mayAskAboveAccess, mayEndAboveGrant); refusals are a 4xx
// with the Chinese reason.

// A GET has nothing of its own to show: the page offers the way back to the meeting. (A
// redirect here would also answer every form post, which runs the loader after the action.)
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const scope = await loaded(loadMeetingScope(context.services.sql, actor.subject, params.meetingId ?? ""));
  if (!hasLifeCycle(scope.row.kind)) notFound();
  return null;
}

export type LifeResult = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const parsed = LifeActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, String(form.intent ?? ""));
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "link-study":
        await linkStudy(sql, actor, meetingId, input.studyMeetingId);
        return { ok: "已关联学习。", intent: input.intent } satisfies LifeResult;
      case "unlink-study":
        await unlinkStudy(sql, actor, meetingId, input.studyMeetingId);
        return { ok: "已取消关联。", intent: input.intent } satisfies LifeResult;
      case "offline-study":
        await recordOfflineStudy(sql, actor, meetingId, input);
        return { ok: "已登记线下学习。", intent: input.intent } satisfies LifeResult;
      case "report-plan":
        await reportPlan(sql, actor, meetingId);
        return { ok: "会议方案已上报上级党组织。", intent: input.intent } satisfies LifeResult;
      case "report-outcome":
        await reportOutcome(sql, actor, meetingId);
        return { ok: "会议情况和整改清单已上报上级党组织。", intent: input.intent } satisfies LifeResult;
      case "attend-above":
        await attendFromAbove(sql, actor, meetingId);
        return { ok: "已报名列席本次会议。", intent: input.intent } satisfies LifeResult;
      case "ask-above": {
        const g = await askAboveAccess(sql, actor, meetingId, { reason: input.reason, days: input.days });
        return { ok: `已调阅，至 ${chinaShort(g.expiresAt)} 止。`, intent: input.intent } satisfies LifeResult;
      }
      case "end-above":
        await endAboveGrant(sql, live, actor, meetingId, input.grantId);
        return { ok: "已结束调阅。", intent: input.intent } satisfies LifeResult;
    }
  } catch (e) {
    // The forms post with fetchers from the meeting page: every refusal (404 and 403 included)
    // comes back as the form's message with its status, never as an error page.
    if (!(e instanceof DomainError)) throw e;
    return data<LifeResult>(
      {
        formError: e.field ? undefined : e.message,
        fieldErrors: e.field ? { [e.field]: e.message } : undefined,
        intent: input.intent,
      },
      { status: e.status },
    );
  }
}

/**
 * What a browser without JavaScript sees after posting one of these forms (with JavaScript the
 * fetchers keep the meeting page): the answer, and the way back to the meeting.
 */
export default function LifeActionReply() {
  const r = useActionData<typeof action>() as LifeResult | undefined;
  const { meetingId } = useParams();
  const error = r?.formError ?? Object.values(r?.fieldErrors ?? {})[0];
  return (
    <main className="page">
      {r?.ok ? (
        <p className="alert alert--ok" role="status">
          {r.ok}
        </p>
      ) : error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}
      <Link className="btn" to={`/meetings/${meetingId ?? ""}`}>
        返回会议
      </Link>
    </main>
  );
}

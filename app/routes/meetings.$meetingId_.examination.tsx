import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { myExamination, submitExamination } from "../../server/services/life/examination";
import { EXAMINATION_MIN_WORDS, ExaminationSubmitSchema } from "../../shared/schemas/examination";
import { AppShell } from "../components/app-shell";
import { AuthoredSheet, SubmitCard, useAuthoring } from "../components/authored-doc";
import { ClockIcon, FlagIcon } from "../components/icons";
import { MeetingHead } from "../components/meeting-head";
import { Crumbs, FormAlert } from "../components/people";
import { ReflectionStatusTag } from "../components/reflection-parts";
import { ReturnedNotes } from "../components/examination-parts";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import editorCss from "../styles/editor.css?url";
import examinationStyles from "../styles/examination.css?url";
import reflectionStyles from "../styles/reflections.css?url";

// My 对照检查材料 for a 组织生活会 (docs/decisions/034): written live by its author alone (autosaved
// through Yjs, kept on the phone while offline: the 心得体会's editor), with the 问题清单 items the
// branch addressed to me beside it; submitted, returned with comments on passages, revised,
// accepted. Submitting posts the editor's full state with the form, so what I see is stored.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `对照检查材料 · ${data.view.meeting.title} · 同心` : "同心" },
];
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: editorCss },
  { rel: "stylesheet", href: reflectionStyles },
  { rel: "stylesheet", href: examinationStyles },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const view = await loaded(myExamination(context.services.sql, actor.subject, params.meetingId ?? ""));
  return { userName: user.displayName, view, minWords: EXAMINATION_MIN_WORDS };
}

type Result = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const parsed = ExaminationSubmitSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return invalid(parsed.error, "submit");
  try {
    const r = await submitExamination(sql, live, actor, params.meetingId ?? "", parsed.data.update);
    const ok = `${r.resubmitted ? "已重新提交" : "已提交"}，共 ${r.wordCount} 字。审阅结果会通知你。`;
    return { ok, intent: "submit" } satisfies Result;
  } catch (e) {
    return refused(e, "submit");
  }
}

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;

export default function MyExaminationPage() {
  const { userName, view, minWords } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const authoring = useAuthoring();
  const { meeting, status } = view;
  const submitError = result && !result.ok ? (result.formError ?? Object.values(result.fieldErrors ?? {})[0]) : null;

  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${meeting.id}`, label: "会议" }} trail={["组织生活会", "对照检查材料"]} />
      <MeetingHead
        tags={
          <>
            <span className="tag">组织生活会</span>
            <ReflectionStatusTag status={status} />
          </>
        }
        eyebrow="我的对照检查材料"
        title={meeting.title}
        facts={[
          { icon: ClockIcon, label: "会议时间", value: formatRange(meeting.startsAt, meeting.endsAt) },
          {
            icon: FlagIcon,
            label: "保密",
            value: "仅本人、支委会、会议进行中的参会同志可见；上级查阅须经申请并记录",
          },
        ]}
      />

      {result?.ok ? <FormAlert ok={result.ok} /> : null}
      {meeting.cancelled ? (
        <p className="alert alert--error" role="status">
          此会议已取消，无需提交对照检查材料。
        </p>
      ) : null}
      {status === "submitted" ? (
        <p className="alert alert--ok" role="status">
          {view.submittedAt ? `已于 ${when(view.submittedAt)} 提交` : "已提交"}，等待审阅。
        </p>
      ) : null}
      {status === "accepted" ? (
        <p className="alert alert--ok" role="status">
          {view.review ? `已由${view.review.byName ?? "审阅人"}于 ${when(view.review.at)} 审阅通过。` : "已审阅通过。"}
        </p>
      ) : null}
      {status === "returned" && view.review ? <ReturnedNotes review={view.review} /> : null}

      <div className="exam-layout">
        <div className="exam-layout__main">
          <AuthoredSheet
            authoring={authoring}
            canEdit={view.canEdit}
            docName={view.docName}
            submittedText={view.submittedText}
            wordCount={view.wordCount}
            title="对照检查材料"
            label="对照检查材料正文"
            className="sheet exam-editor"
          />
          {view.canEdit ? (
            <SubmitCard
              authoring={authoring}
              intent="submit"
              noun="对照检查材料"
              returned={status === "returned"}
              minWords={minWords}
              busy={busy}
              blocked={meeting.cancelled ? "此会议已取消，无需提交对照检查材料。" : null}
              error={submitError}
              title="提交审阅"
              hint="提交后由书记（或支部指定的同志）审阅；书记本人的由上级党组织审阅。提交时会与本支部今年其他同志的材料、你往年的材料和常见模板做相似度比对。"
            />
          ) : null}
        </div>

        <aside className="card exam-problems" aria-labelledby="problems-heading" data-testid="my-problems">
          <h2 className="h3" id="problems-heading">
            问题清单中指出我的问题
          </h2>
          {view.problems.length === 0 ? (
            <p className="muted small">
              支部的问题清单中暂时没有指出你的问题。对照党章党规和征求到的意见，查摆自身问题。
            </p>
          ) : (
            <>
              <p className="muted small">逐条对照，在材料中说明原因和整改措施。</p>
              <ol className="exam-problems__list">
                {view.problems.map((p) => (
                  <li key={p.id}>
                    <p>{p.text}</p>
                    <p className="muted small">
                      {p.meetingTitle ? `${p.meetingTitle} · ` : ""}
                      {formatDate(p.createdAt)}
                    </p>
                  </li>
                ))}
              </ol>
            </>
          )}
        </aside>
      </div>
    </AppShell>
  );
}

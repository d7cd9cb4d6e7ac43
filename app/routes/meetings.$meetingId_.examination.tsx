import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { myExamination, submitExamination } from "../../server/services/life/examination";
import { EXAMINATION_MIN_WORDS, ExaminationSubmitSchema } from "../../shared/schemas/examination";
import { AppShell } from "../components/app-shell";
import { ConfirmButton } from "../components/confirm-dialog";
import { ClockIcon, FlagIcon } from "../components/icons";
import { MeetingHead } from "../components/meeting-head";
import { Crumbs, FormAlert } from "../components/people";
import type { ReflectionEditorApi, ReflectionSyncState } from "../components/reflection-editor";
import { ReflectionStatusTag, SubmittedText } from "../components/reflection-parts";
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

const ReflectionEditor = lazy(() => import("../components/reflection-editor"));

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

function useOnline() {
  const [online, setOnline] = useState(true);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    update();
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

export default function MyExaminationPage() {
  const { userName, view, minWords } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const [words, setWords] = useState<number | null>(null);
  const [sync, setSync] = useState<ReflectionSyncState>("loading");
  const api = useRef<ReflectionEditorApi | null>(null);
  const online = useOnline();
  const { meeting, status } = view;
  const short = words !== null && words < minWords;
  const submitError = result && !result.ok ? (result.formError ?? Object.values(result.fieldErrors ?? {})[0]) : null;
  const heading = (
    <div className="sheet__title">
      <h2 className="h3" id="text-heading">
        对照检查材料
      </h2>
      {view.canEdit ? null : <span className="tag tag--muted">只读</span>}
    </div>
  );

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
          {view.canEdit ? (
            <section className="sheet exam-editor" aria-labelledby="text-heading">
              {mounted ? (
                <Suspense fallback={<EditorLoading heading={heading} />}>
                  <ReflectionEditor
                    docName={view.docName}
                    readOnly={false}
                    heading={heading}
                    label="对照检查材料正文"
                    onWords={setWords}
                    onState={setSync}
                    onReady={(a) => (api.current = a)}
                  />
                </Suspense>
              ) : (
                <EditorLoading heading={heading} />
              )}
            </section>
          ) : view.submittedText !== null ? (
            <section className="sheet" aria-labelledby="text-heading">
              <div className="sheet__head">
                {heading}
                <span className="muted small">{view.wordCount} 字</span>
              </div>
              <SubmittedText text={view.submittedText} />
            </section>
          ) : null}

          {view.canEdit ? (
            <section className="card section refl-submit" aria-labelledby="submit-heading">
              <div className="refl-submit__head">
                <h2 className="h3" id="submit-heading">
                  {status === "returned" ? "修改后重新提交" : "提交审阅"}
                </h2>
                <span className="refl-count" data-short={short ? "" : undefined} data-testid="word-requirement">
                  {words === null
                    ? `至少 ${minWords} 字`
                    : short
                      ? `还差 ${minWords - words} 字`
                      : `✓ 已满 ${minWords} 字`}
                </span>
              </div>
              <p className="muted small">
                提交后由书记（或支部指定的同志）审阅；书记本人的由上级党组织审阅。提交时会与本支部今年其他同志的材料、你往年的材料和常见模板做相似度比对。
              </p>
              {submitError ? <FormAlert error={submitError} /> : null}
              {!online ? (
                <p className="alert" role="status">
                  当前处于离线状态：内容已保存在本机，联网后自动同步，届时再提交。
                </p>
              ) : null}
              <Form
                method="post"
                onSubmit={(e) => {
                  const field = e.currentTarget.elements.namedItem("update") as HTMLInputElement | null;
                  if (field) field.value = api.current?.encodeState() ?? "";
                }}
              >
                <input type="hidden" name="intent" value="submit" />
                <input type="hidden" name="update" defaultValue="" />
                <ConfirmButton
                  className="btn btn--primary btn--block"
                  disabled={busy || meeting.cancelled || !online || sync === "revoked"}
                  confirm={{
                    title: status === "returned" ? "重新提交对照检查材料？" : "提交对照检查材料？",
                    message: (
                      <p>
                        {words !== null ? `共 ${words} 字。` : ""}
                        提交后不能再修改，除非审阅人退回。
                      </p>
                    ),
                    confirmLabel: status === "returned" ? "重新提交" : "提交",
                    cancelLabel: "再改改",
                    tone: "primary",
                  }}
                >
                  {busy ? "正在提交…" : status === "returned" ? "重新提交" : "提交对照检查材料"}
                </ConfirmButton>
              </Form>
            </section>
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

function EditorLoading({ heading }: { heading: React.ReactNode }) {
  return (
    <div className="editor-wrap">
      <div className="sheet__head">
        {heading}
        <span className="editor-status" data-status="connecting" role="status">
          <span className="editor-status__dot" />
          正在载入…
        </span>
      </div>
      <div className="editor editor--loading refl-loading" aria-busy="true">
        正在载入…
      </div>
    </div>
  );
}

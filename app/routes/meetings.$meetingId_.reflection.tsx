import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { myReflection, submitReflection } from "../../server/services/reflections/submit";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { REFLECTION_MIN_WORDS } from "../../shared/domain/text";
import { ReflectionSubmitSchema } from "../../shared/schemas/reflections";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { ClockIcon, FlagIcon } from "../components/icons";
import { ConfirmButton } from "../components/confirm-dialog";
import { Crumbs, FormAlert } from "../components/people";
import type { ReflectionEditorApi, ReflectionSyncState } from "../components/reflection-editor";
import { ReflectionStatusTag, SubmittedText } from "../components/reflection-parts";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import reflectionStyles from "../styles/reflections.css?url";
import editorCss from "../styles/editor.css?url";

// The attendee's own 心得体会 for a session: written live (autosaved through Yjs, kept on the
// phone while offline), submitted by the deadline, and after a return revised and resubmitted.
// Submitting posts the editor's full state with the form, so what the author sees is stored.

const ReflectionEditor = lazy(() => import("../components/reflection-editor"));

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `心得体会 · ${data.view.meeting.title} · 同心` : "同心" },
];
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: editorCss },
  { rel: "stylesheet", href: reflectionStyles },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const view = await loaded(myReflection(context.services.sql, actor.subject, params.meetingId ?? ""));
  return { userName: user.displayName, view, minWords: REFLECTION_MIN_WORDS };
}

type Result = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const parsed = ReflectionSubmitSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return invalid(parsed.error, "submit");
  try {
    const r = await submitReflection(sql, live, actor, params.meetingId ?? "", parsed.data.update);
    const ok = `${r.resubmitted ? "已重新提交" : "已提交"}，共 ${r.wordCount} 字。审阅结果会通知你。`;
    return { ok, intent: "submit" } satisfies Result;
  } catch (e) {
    return refused(e, "submit");
  }
}

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;

/** navigator.onLine, following the browser's events (true during the server render). */
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

export default function MyReflectionPage() {
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
  const kind = MEETING_KIND_LABEL[meeting.kind];

  const heading = (
    <div className="sheet__title">
      <h2 className="h3" id="text-heading">
        正文
      </h2>
      {view.canEdit ? null : <span className="tag tag--muted">只读</span>}
    </div>
  );
  const short = words !== null && words < minWords;
  const submitError = result && !result.ok ? (result.formError ?? Object.values(result.fieldErrors ?? {})[0]) : null;

  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${meeting.id}`, label: "会议" }} trail={[kind, "心得体会"]} />
      <MeetingHead
        tags={
          <>
            <span className="tag">{kind}</span>
            <ReflectionStatusTag status={status} />
            {view.role === "guest" ? <span className="tag tag--outline">列席</span> : null}
          </>
        }
        eyebrow="我的心得体会"
        title={meeting.title}
        facts={[
          { icon: ClockIcon, label: "会议时间", value: formatRange(meeting.startsAt, meeting.endsAt) },
          {
            icon: FlagIcon,
            label: "提交截止",
            testId: "reflection-deadline",
            value: view.deadline
              ? `${view.deadlinePassed ? "已于" : "请于"} ${when(view.deadline)} ${view.deadlinePassed ? "截止提交" : "前提交"}`
              : "主持人尚未设置提交截止时间",
          },
        ]}
      />

      {result?.ok ? <FormAlert ok={result.ok} /> : null}
      <StatusNote />

      {view.canEdit ? (
        <section className="sheet" aria-labelledby="text-heading">
          {mounted ? (
            <Suspense fallback={<EditorLoading heading={heading} />}>
              <ReflectionEditor
                docName={view.docName}
                readOnly={false}
                heading={heading}
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
              {status === "returned" ? "修改后重新提交" : "提交"}
            </h2>
            <span className="refl-count" data-short={short ? "" : undefined} data-testid="word-requirement">
              {words === null ? `至少 ${minWords} 字` : short ? `还差 ${minWords - words} 字` : `✓ 已满 ${minWords} 字`}
            </span>
          </div>
          <p className="muted small">
            {status === "returned"
              ? "按退回意见修改后重新提交。重新提交不受截止时间限制。"
              : "提交后不能再修改；如需修改，请审阅人退回。提交时会与本次其他同志和你以往的心得体会做相似度比对。"}
          </p>
          {view.submitBlocked ? <FormAlert error={view.submitBlocked} /> : null}
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
              disabled={busy || Boolean(view.submitBlocked) || !online || sync === "revoked"}
              confirm={{
                title: status === "returned" ? "重新提交心得体会？" : "提交心得体会？",
                message: (
                  <>
                    <p>
                      {words !== null ? `共 ${words} 字。` : ""}
                      提交后不能再修改，除非审阅人退回。
                    </p>
                    <p>提交时会与本次其他同志和你以往的心得体会做相似度比对。</p>
                  </>
                ),
                confirmLabel: status === "returned" ? "重新提交" : "提交",
                cancelLabel: "再改改",
                tone: "primary",
              }}
            >
              {busy ? "正在提交…" : status === "returned" ? "重新提交" : "提交心得体会"}
            </ConfirmButton>
          </Form>
        </section>
      ) : null}
    </AppShell>
  );
}

function StatusNote() {
  const { view } = useLoaderData<typeof loader>();
  const r = view.review;
  if (view.meeting.cancelled)
    return (
      <p className="alert alert--error" role="status">
        此会议已取消，无需提交心得体会。
      </p>
    );
  if (view.status === "returned" && r)
    return (
      <div className="alert refl-returned" role="status" data-testid="return-comment">
        <div>
          <p className="refl-returned__title">
            已退回修改{r.byName ? `（${r.byName}，${when(r.at)}）` : `（${when(r.at)}）`}
          </p>
          <p className="refl-returned__comment">{r.comment}</p>
        </div>
      </div>
    );
  if (view.status === "submitted")
    return (
      <p className="alert alert--ok" role="status">
        {view.submittedAt ? `已于 ${when(view.submittedAt)} 提交` : "已提交"}，等待审阅。
        {r?.comment ? `上次退回意见：${r.comment}` : ""}
      </p>
    );
  if (view.status === "accepted")
    return (
      <p className="alert alert--ok" role="status">
        {r ? `已由${r.byName ?? "审阅人"}于 ${when(r.at)} 审阅通过。` : "已审阅通过。"}
      </p>
    );
  return null;
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

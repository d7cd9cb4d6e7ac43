import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { myReflection, submitReflection } from "../../server/services/reflections/submit";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { REFLECTION_MIN_WORDS } from "../../shared/domain/text";
import { ReflectionSubmitSchema } from "../../shared/schemas/reflections";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { ClockIcon, FlagIcon } from "../components/icons";
import { AuthoredSheet, SubmitCard, useAuthoring } from "../components/authored-doc";
import { Crumbs, FormAlert } from "../components/people";
import { ReflectionStatusTag } from "../components/reflection-parts";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import reflectionStyles from "../styles/reflections.css?url";
import editorCss from "../styles/editor.css?url";

// The attendee's own 心得体会 for a session: written live (autosaved through Yjs, kept on the
// phone while offline), submitted by the deadline, and after a return revised and resubmitted.
// Submitting posts the editor's full state with the form, so what the author sees is stored.

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

export default function MyReflectionPage() {
  const { userName, view, minWords } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const authoring = useAuthoring();
  const { meeting, status } = view;
  const kind = MEETING_KIND_LABEL[meeting.kind];
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

      <AuthoredSheet
        authoring={authoring}
        canEdit={view.canEdit}
        docName={view.docName}
        submittedText={view.submittedText}
        wordCount={view.wordCount}
        title="正文"
      />

      {view.canEdit ? (
        <SubmitCard
          authoring={authoring}
          intent="submit"
          noun="心得体会"
          returned={status === "returned"}
          minWords={minWords}
          busy={busy}
          blocked={view.submitBlocked}
          error={submitError}
          title="提交"
          hint={
            status === "returned"
              ? "按退回意见修改后重新提交。重新提交不受截止时间限制。"
              : "提交后不能再修改；如需修改，请审阅人退回。提交时会与本次其他同志和你以往的心得体会做相似度比对。"
          }
          confirmNote="提交时会与本次其他同志和你以往的心得体会做相似度比对。"
        />
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

import {
  type LinksFunction,
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { getMeetingFor } from "../../server/services/calendar/meetings";
import { findOrg } from "../../server/services/people/orgs";
import { inviteePool, pickDefaults } from "../../server/services/calendar/invitees";
import { addFileMaterials, removeFileMaterial } from "../../server/services/calendar/materials";
import { meetingDetail } from "../../server/services/calendar/meeting-detail";
import { cancelMeeting, correctMeeting, updateMeeting } from "../../server/services/calendar/schedule";
import { kindsFor } from "../../server/services/calendar/schedule-checks";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { canManage, scheduleAccess, type Subject } from "../../shared/permissions";
import { CancelMeetingSchema, CorrectMeetingSchema, FILE_ACCEPT } from "../../shared/schemas/meetings";
import { chinaParts } from "../../shared/time";
import { MATERIALS_UPLOAD_MAX_BYTES, MATERIALS_UPLOAD_TOO_LARGE } from "../../shared/upload-limits";
import { AppShell } from "../components/app-shell";
import { UploadIcon } from "../components/icons";
import {
  MeetingForm,
  type FormPerson,
  type MeetingFormResult,
  type MeetingFormValues,
} from "../components/meeting-form";
import { fileKind, fileSize, HistoryList, MaterialLink } from "../components/meeting-parts";
import { ConfirmButton } from "../components/confirm-dialog";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { invalid, refused } from "../lib/form-errors.server";
import { formatRange } from "../lib/format";
import { askedKind, formPeople, handleMeetingForm, ticksOf } from "../lib/meetings.server";
import meetingFormCss from "../styles/meeting-form.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: meetingFormCss }];

// `$meetingId_` keeps /meetings/<id>/edit out of the meeting page's layout: it is a page of its own.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `编辑：${data.meeting.title} · 同心` : "同心" },
];

/** The meeting and its organisation for its managers: 404 when hidden, 403 when only visible. */
async function managedMeeting(sql: Parameters<typeof getMeetingFor>[0], subject: Subject, meetingId: string) {
  const found = await getMeetingFor(sql, subject, meetingId);
  if (!found) notFound();
  const org = await findOrg(sql, found.meeting.orgId);
  if (!org) notFound();
  if (!canManage(scheduleAccess(subject, org.resource)))
    throw new Response("只有本组织的书记、副书记、组织委员（党小组会还有党小组长）可以修改会议安排。", { status: 403 });
  return { meeting: found.meeting, scope: found.scope, org };
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const { scope, org } = await managedMeeting(sql, actor.subject, params.meetingId ?? "");
  const detail = (await meetingDetail(sql, scope))!;
  const kinds = await kindsFor(sql, org);
  const asked = askedKind(request, kinds);
  const pool = await inviteePool(sql, org);
  const people: FormPerson[] = formPeople(pool, org);
  // Whoever is on the meeting but has since left the organisation stays on the form.
  const known = new Set(people.map((p) => p.id));
  for (const i of detail.invitees)
    if (!known.has(i.userId)) {
      known.add(i.userId);
      people.push({
        id: i.userId,
        displayName: i.displayName,
        category: i.category,
        note: "已不在本组织",
        canChair: false,
      });
    }
  for (const [id, name] of [
    [detail.hostId, detail.hostName],
    [detail.recorderId, detail.recorderName],
  ])
    if (id && name && !known.has(id)) {
      known.add(id);
      people.push({ id, displayName: name, category: "full", note: "已不在本组织", canChair: false });
    }
  const start = chinaParts(detail.startsAt);
  const initial: MeetingFormValues = {
    kind: detail.kind,
    title: detail.title,
    date: start.date,
    startTime: start.time,
    endTime: chinaParts(detail.endsAt).time,
    location: detail.location ?? "",
    onlineUrl: detail.onlineUrl ?? "",
    hostId: detail.hostId ?? "",
    recorderId: detail.recorderId ?? "",
    agenda: detail.agenda.map((a) => a.title).join("\n"),
    links: detail.materials
      .filter((m) => m.url)
      .map((m) => (m.title === m.url ? m.url : `${m.title} | ${m.url}`))
      .join("\n"),
  };
  const ended = new Date(detail.endsAt).getTime() <= Date.now();
  // Started (by the host) or over: on the record. Only its place and agenda wording are corrected.
  const held = !ended && detail.startedAt !== null ? "started" : ended ? "ended" : null;
  return {
    userName: user.displayName,
    meeting: {
      id: detail.id,
      title: detail.title,
      kind: detail.kind,
      startsAt: detail.startsAt,
      endsAt: detail.endsAt,
    },
    orgName: org.name,
    status: detail.status,
    cancelledReason: detail.cancelledReason,
    laterInSeries: detail.laterInSeries,
    ended,
    held,
    correction: {
      location: detail.location ?? "",
      onlineUrl: detail.onlineUrl ?? "",
      agenda: detail.agenda.map((a) => a.title).join("\n"),
    },
    kinds,
    // `kind` and `ticks` also answer the form's `?kind=` fetch for a kind's default list.
    kind: asked ?? detail.kind,
    ticks: asked ? ticksOf(pickDefaults(pool, org, asked)) : ticksOf(detail.invitees),
    people,
    initial,
    files: detail.materials.filter((m) => m.fileId),
    history: detail.history,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql } = context.services;
  const { meeting, org } = await managedMeeting(sql, actor.subject, params.meetingId ?? "");
  // A body past MATERIALS_UPLOAD_MAX_BYTES never gets here (server/body-limit.ts); each file is held to 20 MB.
  const form = await request.formData();
  const intents = form.getAll("intent").map(String);
  const intent = intents.includes("defaults") ? "defaults" : (intents[0] ?? "save");
  const back = `/meetings/${meeting.id}`;
  try {
    switch (intent) {
      case "cancel": {
        const parsed = CancelMeetingSchema.safeParse({ reason: form.get("reason") ?? "" });
        if (!parsed.success) return invalid(parsed.error, "cancel");
        await cancelMeeting(sql, actor, meeting.id, parsed.data.reason, {
          following: form.get("following") === "on",
        });
        return redirect(back);
      }
      case "upload": {
        const files = form.getAll("files").filter((f): f is File => typeof f !== "string" && f.name !== "");
        const added = await addFileMaterials(
          sql,
          actor,
          meeting.id,
          await Promise.all(
            files.map(async (f) => ({ name: f.name, mime: f.type, bytes: new Uint8Array(await f.arrayBuffer()) })),
          ),
        );
        return data<MeetingFormResult>({ ok: `已上传 ${added.length} 份资料。`, intent });
      }
      case "correct": {
        const parsed = CorrectMeetingSchema.safeParse({
          location: form.get("location") ?? "",
          onlineUrl: form.get("onlineUrl") ?? "",
          agenda: form.get("agenda") ?? "",
          reason: form.get("reason") ?? "",
        });
        if (!parsed.success) return invalid(parsed.error, "correct");
        const { changed } = await correctMeeting(sql, actor, meeting.id, parsed.data);
        return data<MeetingFormResult>({
          ok: changed.length > 0 ? "已更正，更正原因记入变更记录。" : "内容没有变化。",
          intent: "correct",
        });
      }
      case "remove":
        await removeFileMaterial(sql, actor, meeting.id, String(form.get("materialId") ?? ""));
        return data<MeetingFormResult>({ ok: "已移除资料。", intent: "upload" });
    }
  } catch (e) {
    return refused(e, intent === "remove" ? "upload" : intent);
  }
  return handleMeetingForm(
    form,
    "save",
    { org, kinds: await kindsFor(sql, org), pool: () => inviteePool(sql, org) },
    async (input) => {
      await updateMeeting(sql, actor, meeting.id, input);
      return redirect(back);
    },
  );
}

export default function EditMeeting() {
  const {
    userName,
    meeting,
    orgName,
    status,
    cancelledReason,
    laterInSeries,
    ended,
    held,
    correction,
    kinds,
    ticks,
    people,
    initial,
    files,
    history,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as MeetingFormResult | undefined;
  const nav = useNavigation();
  const busy = nav.state === "submitting";
  const busyWith = busy ? String(nav.formData?.get("intent") ?? "") : "";
  const cancelled = status === "cancelled";
  const [uploadTooLarge, setUploadTooLarge] = useState(false);
  const about = (intent: string) => (result?.intent === intent ? result : undefined);
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${meeting.id}`, label: "返回会议" }} />
      <section className="page-head">
        <span className="page-head__meta">
          <span className="tag">{MEETING_KIND_LABEL[meeting.kind]}</span>
          {cancelled ? <span className="tag tag--muted">已取消</span> : null}
          {ended && !cancelled ? <span className="tag tag--muted">已结束</span> : null}
        </span>
        <h1 className="h1">编辑会议</h1>
        <p className="page-head__sub muted">
          {orgName} · {meeting.title} · {formatRange(meeting.startsAt, meeting.endsAt)}
        </p>
      </section>

      {cancelled ? (
        <p className="alert alert--error" role="status">
          此会议已取消{cancelledReason ? `（原因：${cancelledReason}）` : ""}，不能再修改。如需重新安排，请新建会议。
        </p>
      ) : held ? (
        <>
          <p className="alert">
            {held === "started" ? "会议已经开始" : "会议已经结束"}
            ，时间、类型和参会人员不能再修改，也不能改期或取消；地点和议程文字如有错误，可在下面更正并注明原因。
            {held === "ended" ? "仍可上传学习资料，供缺席的同志补学。" : null}
          </p>
          {/* A 改期 or 取消 posted from a page opened before the start is refused here, in words. */}
          <FormAlert error={about("save")?.formError ?? about("cancel")?.formError} />
          <CorrectionForm initial={correction} result={about("correct")} busy={busyWith === "correct"} />
        </>
      ) : (
        <>
          <p className="alert">修改日期或时间即为改期：参会人员会收到改期通知，变更记录保留在下方。</p>
          <MeetingForm
            kinds={kinds}
            people={people}
            initial={initial}
            initialTicks={ticks}
            result={result}
            busy={busy && (busyWith === "save" || busyWith === "")}
            submitLabel="保存修改"
            busyLabel="正在保存…"
            intent="save"
          />
        </>
      )}

      {!cancelled ? (
        <section className="section" aria-labelledby="files-heading">
          <h2 className="h2" id="files-heading">
            学习资料文件
          </h2>
          <FormAlert error={about("upload")?.formError} ok={about("upload")?.ok} />
          {files.length > 0 ? (
            <ul className="list" data-testid="material-files">
              {files.map((f) => (
                <li key={f.id} className="material-row">
                  <MaterialLink m={f} />
                  <Form method="post">
                    <input type="hidden" name="materialId" value={f.id} />
                    <button
                      className="btn btn--small btn--ghost"
                      type="submit"
                      name="intent"
                      value="remove"
                      aria-label={`移除 ${f.title}（${fileKind(f.mime)}，${fileSize(f.size)}）`}
                    >
                      移除
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          ) : null}
          <Form
            method="post"
            encType="multipart/form-data"
            className="card form"
            onSubmit={(e) => {
              // The server refuses an upload this large before reading it (a bare 413 page); say it here.
              const input = e.currentTarget.elements.namedItem("files") as HTMLInputElement | null;
              const total = [...(input?.files ?? [])].reduce((n, f) => n + f.size, 0);
              const over = total > MATERIALS_UPLOAD_MAX_BYTES - 64 * 1024;
              if (over) e.preventDefault();
              setUploadTooLarge(over);
            }}
          >
            <label className="field">
              <span className="field__label">上传文件</span>
              <input
                className="input"
                type="file"
                name="files"
                multiple
                accept={FILE_ACCEPT}
                aria-invalid={uploadTooLarge || about("upload")?.fieldErrors?.files ? true : undefined}
                onChange={() => setUploadTooLarge(false)}
              />
              <FieldError
                id="files-error"
                message={uploadTooLarge ? MATERIALS_UPLOAD_TOO_LARGE : about("upload")?.fieldErrors?.files}
              />
              <span className="field__hint">
                支持 PDF、Word、PowerPoint、图片（PNG、JPG、WebP）和文本文件，单个不超过 20 MB。
              </span>
            </label>
            <button className="btn" type="submit" name="intent" value="upload" disabled={busy}>
              <UploadIcon size={18} />
              {busyWith === "upload" ? "正在上传…" : "上传"}
            </button>
          </Form>
        </section>
      ) : null}

      {!cancelled && !held ? (
        <section className="section" aria-labelledby="cancel-heading">
          <h2 className="h2" id="cancel-heading">
            取消会议
          </h2>
          <details className="panel panel--danger" open={Boolean(about("cancel"))}>
            <summary>取消这次会议</summary>
            <Form method="post" className="panel__body form" noValidate>
              <p className="muted small">取消后会议记录保留，参会人员会收到取消通知。取消后不能恢复。</p>
              {/* A refusal (already cancelled, already over) is said here; a missing reason by its field. */}
              <FormAlert error={about("cancel")?.fieldErrors ? undefined : about("cancel")?.formError} />
              <label className="field">
                <span className="field__label">取消原因</span>
                <textarea
                  className="input input--short"
                  name="reason"
                  maxLength={200}
                  rows={2}
                  placeholder="如：与上级党委集中学习冲突，另行安排"
                  aria-invalid={about("cancel")?.fieldErrors?.reason ? true : undefined}
                />
                <FieldError id="reason-error" message={about("cancel")?.fieldErrors?.reason} />
              </label>
              {laterInSeries > 0 ? (
                <label className="check">
                  <input type="checkbox" name="following" />
                  <span>同时取消本系列之后的 {laterInSeries} 次会议</span>
                </label>
              ) : null}
              <ConfirmButton
                className="btn btn--danger"
                name="intent"
                value="cancel"
                disabled={busy}
                // Without a reason the server says what is missing; ask only once it is there.
                ask={(form) => String(new FormData(form).get("reason") ?? "").trim() !== ""}
                confirm={{
                  title: "取消这次会议？",
                  message:
                    laterInSeries > 0
                      ? "参会人员会收到取消通知；勾选了“同时取消之后的会议”时，本系列之后的会议也一并取消。取消后不能恢复。"
                      : "参会人员会收到取消通知，会议记录保留。取消后不能恢复。",
                  confirmLabel: "取消会议",
                  cancelLabel: "不取消",
                }}
              >
                {busyWith === "cancel" ? "正在取消…" : "取消会议"}
              </ConfirmButton>
            </Form>
          </details>
        </section>
      ) : null}

      {history.length > 0 ? (
        <section className="section" aria-labelledby="history-heading">
          <h2 className="h2" id="history-heading">
            变更记录
          </h2>
          <HistoryList history={history} />
        </section>
      ) : null}
    </AppShell>
  );
}

/** Place and agenda wording of a meeting on the record, corrected with a reason (kept in its history). */
function CorrectionForm({
  initial,
  result,
  busy,
}: {
  initial: { location: string; onlineUrl: string; agenda: string };
  result: MeetingFormResult | undefined;
  busy: boolean;
}) {
  const e = result?.fieldErrors ?? {};
  return (
    <Form method="post" className="card form" noValidate aria-labelledby="correct-heading">
      <h2 className="h3" id="correct-heading">
        更正地点和议程文字
      </h2>
      <FormAlert error={result?.fieldErrors ? undefined : result?.formError} ok={result?.ok} />
      <label className="field">
        <span className="field__label">地点</span>
        <input
          className="input"
          name="location"
          maxLength={100}
          defaultValue={initial.location}
          aria-invalid={e.location ? true : undefined}
          aria-describedby="correct-location-error"
        />
        <FieldError id="correct-location-error" message={e.location} />
      </label>
      <label className="field">
        <span className="field__label">线上会议链接</span>
        <input
          className="input"
          name="onlineUrl"
          type="url"
          defaultValue={initial.onlineUrl}
          aria-invalid={e.onlineUrl ? true : undefined}
          aria-describedby="correct-online-error"
        />
        <FieldError id="correct-online-error" message={e.onlineUrl} />
      </label>
      <label className="field">
        <span className="field__label">议程（每行一项，只改文字，不增删）</span>
        <textarea
          className="input"
          name="agenda"
          rows={Math.max(3, initial.agenda.split("\n").length + 1)}
          defaultValue={initial.agenda}
          aria-invalid={e.agenda ? true : undefined}
          aria-describedby="correct-agenda-error"
        />
        <FieldError id="correct-agenda-error" message={e.agenda} />
      </label>
      <label className="field">
        <span className="field__label">更正原因（必填）</span>
        <input
          className="input"
          name="reason"
          maxLength={200}
          placeholder="如：地点登记有误，实际在二楼会议室"
          aria-invalid={e.reason ? true : undefined}
          aria-describedby="correct-reason-error"
        />
        <FieldError id="correct-reason-error" message={e.reason} />
      </label>
      <button className="btn btn--primary" type="submit" name="intent" value="correct" disabled={busy}>
        {busy ? "正在保存…" : "保存更正"}
      </button>
    </Form>
  );
}

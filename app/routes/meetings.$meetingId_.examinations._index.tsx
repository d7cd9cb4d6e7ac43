import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  addBoilerplate,
  examinationOverview,
  removeBoilerplate,
  setExaminationReviewer,
  type ExaminationOverviewRow,
} from "../../server/services/life/examination-review";
import { BOILERPLATE_TEXT, BOILERPLATE_TITLE_MAX, ExaminationSettingsSchema } from "../../shared/schemas/examination";
import { AppShell } from "../components/app-shell";
import { ChevronRightIcon, ClockIcon, FlagIcon } from "../components/icons";
import { MeetingHead } from "../components/meeting-head";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { percent, ReflectionStatusTag } from "../components/reflection-parts";
import { Stat } from "../components/stat";
import { requireActor } from "../lib/actor.server";
import { type FormErrors, invalid, loaded, refused } from "../lib/form-errors.server";
import { formatDate, formatRange, formatTime } from "../lib/format";
import examinationStyles from "../styles/examination.css?url";
import reflectionStyles from "../styles/reflections.css?url";

// The 对照检查材料 of a 组织生活会 (docs/decisions/034): who has written, submitted, been returned,
// been accepted, with the similarity for what the viewer reviews; for the branch's managers the
// settings (who reviews instead of the 书记, the branch's own template texts). For the 支委, the
// reviewers, attendees while the meeting is under way and the level above with a grant; 404 else.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `对照检查材料 · ${data.overview.meeting.title} · 同心` : "同心" },
];
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: reflectionStyles },
  { rel: "stylesheet", href: examinationStyles },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const overview = await loaded(examinationOverview(context.services.sql, actor.subject, params.meetingId ?? ""));
  return { userName: user.displayName, overview, me: user.id };
}

type Result = FormErrors & { ok?: string; values?: Record<string, string> };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const values = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  const parsed = ExaminationSettingsSchema.safeParse(form);
  if (!parsed.success) {
    const r = invalid(parsed.error, intent);
    return Response.json({ ...r.data, values }, { status: 400 });
  }
  try {
    switch (parsed.data.intent) {
      case "reviewer":
        await setExaminationReviewer(sql, actor, meetingId, parsed.data.reviewerId || null);
        return { ok: "已保存审阅人。", intent } satisfies Result;
      case "boilerplate-add":
        await addBoilerplate(sql, actor, meetingId, parsed.data.title, parsed.data.text);
        return { ok: "已添加模板，今后提交的材料会与它比对。", intent } satisfies Result;
      case "boilerplate-remove":
        await removeBoilerplate(sql, actor, meetingId, parsed.data.id);
        return { ok: "已删除模板。", intent } satisfies Result;
    }
  } catch (e) {
    const r = refused(e, intent);
    return Response.json({ ...r.data, values }, { status: r.init?.status ?? 400 });
  }
}

const when = (d: Date | string) => `${formatDate(d)} ${formatTime(d)}`;

export default function ExaminationsPage() {
  const { userName, overview: o, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const total = o.rows.filter((r) => r.role === "attendee").length;
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${o.meeting.id}`, label: "会议" }} trail={["组织生活会", "对照检查材料"]} />
      <MeetingHead
        tags={<span className="tag">组织生活会</span>}
        eyebrow="对照检查材料"
        title={o.meeting.title}
        facts={[
          { icon: ClockIcon, label: "会议时间", value: formatRange(o.meeting.startsAt, o.meeting.endsAt) },
          { icon: FlagIcon, label: "保密", value: "材料仅本人、支委会和会议进行中的参会同志可见，查看均记入审计日志" },
        ]}
      />
      <div className="stats exam-stats" data-testid="examination-counts">
        <Stat value={o.counts.submitted} label="待审阅" />
        <Stat value={o.counts.returned} label="退回修改" />
        <Stat value={o.counts.accepted} label="已通过" />
        <Stat value={o.counts.draft} label="未提交" danger={o.counts.draft > 0} />
      </div>
      <section className="section" aria-labelledby="list-heading">
        <div className="section__head">
          <h2 className="h3" id="list-heading">
            应到 {total} 人
          </h2>
          <span className="muted small">相似度只向审阅人显示，达到提示线的标为疑似雷同</span>
        </div>
        <ul className="list" data-testid="examination-list">
          {o.rows.map((r) => (
            <PersonRow key={r.id} row={r} meetingId={o.meeting.id} mine={r.id === me} />
          ))}
        </ul>
      </section>
      {o.settings ? <Settings result={result} busy={busy} /> : null}
    </AppShell>
  );
}

function PersonRow({ row, meetingId, mine }: { row: ExaminationOverviewRow; meetingId: string; mine: boolean }) {
  // One's own row leads to one's own page (to write or read it).
  const to = mine
    ? `/meetings/${meetingId}/examination`
    : row.canOpen
      ? `/meetings/${meetingId}/examinations/${row.id}`
      : null;
  const body = (
    <>
      <span className="avatar" aria-hidden="true">
        {row.name.slice(-2)}
      </span>
      <span className="row__main">
        <span className="row__title">
          {row.name}
          {mine ? <span className="tag tag--outline">我</span> : null}
          <ReflectionStatusTag status={row.status} />
          {row.role === "guest" ? <span className="tag tag--outline">列席</span> : null}
          {row.flagged ? <span className="tag tag--gold">疑似雷同</span> : null}
          {row.reviews && row.status === "submitted" ? <span className="tag tag--blue">待我审阅</span> : null}
        </span>
        <span className="row__sub">
          {row.status === "draft"
            ? "尚未提交"
            : row.status === "returned"
              ? "退回修改中"
              : `${row.wordCount} 字${row.submittedAt ? ` · ${when(row.submittedAt)} 提交` : ""}`}
        </span>
      </span>
      {row.similarity !== null ? (
        <span className="refl-sim" data-flagged={row.flagged ? "" : undefined} title="最高相似度">
          <span className="refl-sim__label">相似度</span>
          <span className="refl-sim__value">{percent(row.similarity)}</span>
        </span>
      ) : null}
      {to ? (
        <span className="row__end">
          <ChevronRightIcon size={18} />
        </span>
      ) : null}
    </>
  );
  return (
    <li data-user={row.name}>
      {to ? (
        <Link className="row" to={to}>
          {body}
        </Link>
      ) : (
        <div className="row">{body}</div>
      )}
    </li>
  );
}

function Settings({ result, busy }: { result?: Result; busy: boolean }) {
  const { overview: o } = useLoaderData<typeof loader>();
  const s = o.settings!;
  const reply = (intent: string) => (result?.intent === intent ? result : undefined);
  const add = reply("boilerplate-add");
  const addFailed = add && !add.ok;
  return (
    <section className="section exam-settings" aria-labelledby="settings-heading">
      <div className="section__head">
        <h2 className="h3" id="settings-heading">
          支部设置
        </h2>
      </div>
      <div className="exam-settings__grid">
        <section className="card refl-tool" aria-labelledby="reviewer-heading">
          <h3 className="h3 refl-tool__title" id="reviewer-heading">
            审阅人
          </h3>
          <p className="muted small">默认由书记审阅；书记本人的材料由上级党组织的委员审阅。</p>
          {reply("reviewer") ? <FormAlert ok={reply("reviewer")!.ok} error={reply("reviewer")!.formError} /> : null}
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="reviewer" />
            <label className="field">
              <span className="field__label">审阅党员的材料</span>
              <select className="input" name="reviewerId" defaultValue={s.reviewerId ?? ""}>
                <option value="">书记</option>
                {s.candidates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
              <FieldError id="reviewer-error" message={reply("reviewer")?.fieldErrors?.reviewerId} />
            </label>
            <button className="btn" type="submit" disabled={busy}>
              保存
            </button>
          </Form>
        </section>
        <section className="card refl-tool" aria-labelledby="boilerplate-heading">
          <h3 className="h3 refl-tool__title" id="boilerplate-heading">
            常见模板（用于相似度比对）
          </h3>
          <p className="muted small">提交的材料与这些模板重合的段落会并排标出。内置模板不能删除。</p>
          {reply("boilerplate-remove") ? (
            <FormAlert ok={reply("boilerplate-remove")!.ok} error={reply("boilerplate-remove")!.formError} />
          ) : null}
          <ul className="exam-templates" data-testid="boilerplate-list">
            {s.boilerplate.map((b) => (
              <li key={b.id} className="exam-template">
                <details>
                  <summary>
                    {b.title}
                    {b.builtIn ? <span className="tag tag--muted">内置</span> : null}
                  </summary>
                  <p className="small">{b.text}</p>
                </details>
                {b.builtIn ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="boilerplate-remove" />
                    <input type="hidden" name="id" value={b.id} />
                    <button className="btn btn--ghost btn--small" type="submit" disabled={busy}>
                      删除
                    </button>
                  </Form>
                )}
              </li>
            ))}
          </ul>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="boilerplate-add" />
            {add?.ok ? <FormAlert ok={add.ok} /> : null}
            {addFailed && add.formError ? <FormAlert error={add.formError} /> : null}
            <label className="field">
              <span className="field__label">模板名称</span>
              <input
                className="input"
                name="title"
                maxLength={BOILERPLATE_TITLE_MAX}
                defaultValue={addFailed ? (add.values?.title ?? "") : ""}
                aria-invalid={add?.fieldErrors?.title ? true : undefined}
              />
              <FieldError id="bp-title-error" message={add?.fieldErrors?.title} />
            </label>
            <label className="field">
              <span className="field__label">模板正文</span>
              <textarea
                className="input"
                name="text"
                rows={3}
                maxLength={BOILERPLATE_TEXT.max}
                defaultValue={addFailed ? (add.values?.text ?? "") : ""}
                aria-invalid={add?.fieldErrors?.text ? true : undefined}
              />
              <FieldError id="bp-text-error" message={add?.fieldErrors?.text} />
            </label>
            <button className="btn" type="submit" disabled={busy}>
              添加模板
            </button>
          </Form>
        </section>
      </div>
    </section>
  );
}

import {
  type LinksFunction,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { completeMakeup, myMakeups } from "../../server/services/session/attendance";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { MakeupActionSchema } from "../../shared/schemas/attendance";
import { AppShell } from "../components/app-shell";
import { ChevronRightIcon, ClockIcon } from "../components/icons";
import { FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { invalid, refused, type FormErrors } from "../lib/form-errors.server";
import { dateLeaf, formatDate, formatTime } from "../lib/format";
import makeupCss from "../styles/makeup.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: makeupCss }];

// 补学: a member who was absent or on leave studies the meeting's content afterwards and records
// it here. Reached from the 补学 notification and from the meeting's attendance page.

export const meta: MetaFunction = () => [{ title: "补学 · 同心" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const { user } = await requireActor(context, request);
  return { userName: user.displayName, tasks: await myMakeups(context.services.sql, user.id) };
}

type Result = FormErrors & { ok?: string; taskId?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const form = Object.fromEntries(await request.formData());
  const key = `complete:${String(form.taskId ?? "")}`;
  const parsed = MakeupActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, key);
  try {
    await completeMakeup(context.services.sql, actor, parsed.data.taskId, parsed.data.note);
    return { ok: "已记录补学完成。", intent: key } satisfies Result;
  } catch (e) {
    return refused(e, key);
  }
}

export default function Makeup() {
  const { userName, tasks } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const open = tasks.filter((t) => !t.completedAt);
  const done = tasks.filter((t) => t.completedAt);
  return (
    <AppShell userName={userName}>
      <section className="page-head">
        <p className="eyebrow">组织生活</p>
        <h1 className="h1">补学</h1>
        <p className="page-head__sub muted">
          {open.length > 0
            ? `有 ${open.length} 项待补学。请学习会议材料和会议记录，完成后在此登记。`
            : "没有待补学的内容。"}
        </p>
      </section>
      {result?.ok ? <FormAlert ok={result.ok} /> : null}

      {tasks.length === 0 ? (
        <div className="card empty">
          <p className="h3">暂无补学安排</p>
          <p className="muted">因请假或缺席未参加的会议，会后会安排补学并出现在这里。</p>
        </div>
      ) : null}

      {open.length > 0 ? (
        <section className="section" aria-labelledby="open-heading">
          <h2 className="h3" id="open-heading">
            待补学
          </h2>
          <ul className="makeup-list" data-testid="makeup-open">
            {open.map((t) => {
              const r = result?.intent === `complete:${t.id}` ? result : undefined;
              const leaf = dateLeaf(t.startsAt);
              return (
                <li key={t.id} className="card makeup">
                  <div className="makeup__head">
                    <div className="meeting-card__date" aria-hidden="true">
                      <span className="meeting-card__month">{leaf.month}</span>
                      <span className="meeting-card__day">{leaf.day}</span>
                      <span className="meeting-card__weekday">{leaf.weekday}</span>
                    </div>
                    <div className="makeup__body">
                      <span className="tag">{MEETING_KIND_LABEL[t.kind]}</span>
                      <h3 className="makeup__title">{t.title}</h3>
                      <span className="makeup__when">
                        <ClockIcon size={14} />
                        {formatDate(t.startsAt)} {formatTime(t.startsAt)}
                      </span>
                    </div>
                  </div>
                  <Link to={`/meetings/${t.meetingId}`} className="makeup__link">
                    <span>查看会议材料和记录</span>
                    <ChevronRightIcon size={18} />
                  </Link>
                  <Form method="post" className="form makeup__form" noValidate>
                    <input type="hidden" name="intent" value="complete" />
                    <input type="hidden" name="taskId" value={t.id} />
                    <label className="field">
                      <span className="field__label">学习心得（可选）</span>
                      <textarea
                        className="input makeup__note"
                        name="note"
                        rows={3}
                        maxLength={500}
                        placeholder="简要写下学习体会"
                        aria-invalid={r?.fieldErrors?.note ? true : undefined}
                        aria-describedby={`note-${t.id}`}
                      />
                      <FieldError id={`note-${t.id}`} message={r?.fieldErrors?.note} />
                    </label>
                    {r?.formError ? <FormAlert error={r.formError} /> : null}
                    <button className="btn btn--primary" type="submit" disabled={busy}>
                      完成补学
                    </button>
                  </Form>
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}

      {done.length > 0 ? (
        <section className="section" aria-labelledby="done-heading">
          <h2 className="h3" id="done-heading">
            已完成
          </h2>
          <ul className="list" data-testid="makeup-done">
            {done.map((t) => (
              <li key={t.id}>
                <Link to={`/meetings/${t.meetingId}`} className="row">
                  <div className="row__main">
                    <span className="row__title">
                      {t.title}
                      <span className="tag tag--green">已完成</span>
                    </span>
                    <span className="row__sub">
                      {MEETING_KIND_LABEL[t.kind]} · {formatDate(t.startsAt)} · 于 {formatDate(t.completedAt!)} 完成补学
                    </span>
                    {t.note ? <span className="row__sub makeup__done-note">心得：{t.note}</span> : null}
                  </div>
                  <ChevronRightIcon size={18} className="row__end" />
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </AppShell>
  );
}

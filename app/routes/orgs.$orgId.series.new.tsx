import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { orgSettings } from "../../server/services/people/org-settings";
import { inviteePool } from "../../server/services/calendar/invitees";
import { kindsFor } from "../../server/services/calendar/schedule-checks";
import { createSeries, expandSeries } from "../../server/services/calendar/series";
import { WEEKDAY_LABEL, weekdayOfDate } from "../../shared/domain/kind-rules";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { describeRecurrence, EVERY_LABEL, EVERY_MONTHS, occurrenceTitle } from "../../shared/domain/recurrence";
import { chinaParts } from "../../shared/time";
import { defaultChairs, mayChair } from "../../shared/permissions";
import { SeriesFormSchema } from "../../shared/schemas/plan";
import { AppShell } from "../components/app-shell";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { invalid, refused } from "../lib/form-errors.server";
import { askedKind } from "../lib/meetings.server";
import { schedulingOrg } from "../lib/org-access.server";
import planningStyles from "../styles/planning.css?url";

export const meta: MetaFunction = () => [{ title: "周期性安排 · 同心" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: planningStyles }];

const FIELDS = [
  "kind",
  "title",
  "everyMonths",
  "pattern",
  "nth",
  "weekday",
  "dayOfMonth",
  "from",
  "until",
  "startTime",
  "endTime",
  "location",
  "onlineUrl",
  "hostId",
  "recorderId",
] as const;
type Values = Record<(typeof FIELDS)[number], string>;

const NTH = [
  { value: "1", label: "第一个" },
  { value: "2", label: "第二个" },
  { value: "3", label: "第三个" },
  { value: "4", label: "第四个" },
  { value: "-1", label: "最后一个" },
];

interface PreviewRow {
  date: string;
  title: string;
  weekday: string;
  movedFrom?: string;
}

interface Reply {
  values?: Partial<Values>;
  formError?: string;
  fieldErrors?: Record<string, string>;
  preview?: { rule: string; rows: PreviewRow[]; skipped: { date: string; reason: string }[] };
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await schedulingOrg(context, request, params.orgId, "安排周期性会议");
  const { sql } = context.services;
  const kinds = await kindsFor(sql, org);
  const kind = askedKind(request, kinds) ?? (kinds.includes("theme_day") ? "theme_day" : kinds[0]);
  const pool = await inviteePool(sql, org);
  const chairs = defaultChairs(org, pool);
  const fixed = (await orgSettings(sql, org.id)).kinds[kind].fixedDay;
  const today = chinaParts(new Date()).date;
  const year = Number(today.slice(0, 4));
  const initial: Values = {
    kind,
    title: MEETING_KIND_LABEL[kind],
    everyMonths: "1",
    pattern: fixed && "dayOfMonth" in fixed ? "dayOfMonth" : "weekday",
    nth: fixed && "nth" in fixed ? String(fixed.nth) : "1",
    weekday: fixed && "weekday" in fixed ? String(fixed.weekday) : "5",
    dayOfMonth: fixed && "dayOfMonth" in fixed ? String(fixed.dayOfMonth) : "15",
    from: today,
    until: Number(today.slice(5, 7)) >= 11 ? `${year + 1}-12-31` : `${year}-12-31`,
    startTime: "14:30",
    endTime: "16:30",
    location: "",
    onlineUrl: "",
    hostId: chairs.hostId ?? "",
    recorderId: chairs.recorderId ?? "",
  };
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name },
    kinds,
    people: pool.filter(mayChair).map((p) => ({ id: p.id, name: p.displayName })),
    initial,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor, org } = await schedulingOrg(context, request, params.orgId, "安排周期性会议");
  const form = await request.formData();
  const values: Partial<Values> = {};
  for (const k of FIELDS) {
    const v = form.get(k);
    if (typeof v === "string") values[k] = v;
  }
  const parsed = SeriesFormSchema.safeParse(values);
  if (!parsed.success) {
    const reply = invalid(parsed.error);
    return data<Reply>({ ...reply.data, values }, { status: 400 });
  }
  if (!(await kindsFor(context.services.sql, org)).includes(parsed.data.kind))
    return data<Reply>({ values, fieldErrors: { kind: "本组织不召开这类会议" } }, { status: 400 });
  try {
    if (form.get("intent") === "preview") {
      const { occurrences, skipped } = expandSeries(parsed.data);
      return data<Reply>({
        values,
        preview: {
          rule: describeRecurrence(parsed.data.rule),
          rows: occurrences.map((o) => ({
            date: o.date,
            title: occurrenceTitle(parsed.data.title, o.date),
            weekday: weekdayOfDate(o.date),
            ...(o.movedFrom ? { movedFrom: o.movedFrom } : {}),
          })),
          skipped: skipped.map((s) => ({ date: s.date, reason: s.reason === "past" ? "已过去" : "节假日" })),
        },
      });
    }
    const n = await createSeries(context.services.sql, actor, org.id, parsed.data);
    return redirect(`/orgs/${org.id}/calendar?view=agenda&month=${parsed.data.rule.from.slice(0, 7)}&planned=${n}`);
  } catch (e) {
    const reply = refused(e);
    // Said at the top too: on a phone the field may be far from the buttons.
    const formError = reply.data.formError ?? Object.values(reply.data.fieldErrors ?? {})[0];
    return data<Reply>({ ...reply.data, formError, values }, { status: reply.init?.status ?? 400 });
  }
}

const md = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

export default function NewSeries() {
  const { userName, org, kinds, people, initial } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const busy = useNavigation().state === "submitting";
  const v = { ...initial, ...reply?.values };
  const [pattern, setPattern] = useState(v.pattern);
  const err = reply?.fieldErrors ?? {};
  const field = (name: keyof Values) => ({
    name,
    defaultValue: v[name],
    "aria-invalid": err[name] ? true : undefined,
    "aria-describedby": `${name}-error`,
  });

  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/orgs/${org.id}/calendar`, label: `${org.name}日历` }} />
      <section className="page-head">
        <span className="tag">周期性安排</span>
        <h1 className="h1">按固定日子重复的会议</h1>
        <p className="page-head__sub muted">
          例如每月第一个星期五的主题党日。每次会议都会单独出现在日历上，可以单独调整或取消；遇到法定节假日顺延一周。
        </p>
      </section>
      <FormAlert error={reply?.formError} />
      <Form method="post" className="form" key={JSON.stringify(reply?.values ?? {})}>
        <div className="card form-grid">
          <label className="field">
            <span className="field__label">会议类型</span>
            <select className="select" {...field("kind")}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {MEETING_KIND_LABEL[k]}
                </option>
              ))}
            </select>
            <FieldError id="kind-error" message={err.kind} />
          </label>
          <label className="field">
            <span className="field__label">会议主题</span>
            <input className="input" maxLength={80} {...field("title")} />
            <span className="field__hint muted">
              每次会议标题会加上年月，如“{occurrenceTitle(v.title || "主题党日", v.from || initial.from)}”
            </span>
            <FieldError id="title-error" message={err.title} />
          </label>
        </div>

        <fieldset className="card form-grid series-rule">
          <legend className="series-rule__legend">重复规则</legend>
          <label className="field">
            <span className="field__label">频率</span>
            <select className="select" {...field("everyMonths")}>
              {EVERY_MONTHS.map((n) => (
                <option key={n} value={n}>
                  {EVERY_LABEL[n]}
                </option>
              ))}
            </select>
          </label>
          <div className="field">
            <span className="field__label">哪一天</span>
            <div className="series-rule__choice">
              <label className="series-rule__option">
                <input
                  type="radio"
                  name="pattern"
                  value="weekday"
                  defaultChecked={v.pattern === "weekday"}
                  onChange={() => setPattern("weekday")}
                />
                按星期
              </label>
              <label className="series-rule__option">
                <input
                  type="radio"
                  name="pattern"
                  value="dayOfMonth"
                  defaultChecked={v.pattern === "dayOfMonth"}
                  onChange={() => setPattern("dayOfMonth")}
                />
                按日期
              </label>
            </div>
            <span className="actions" hidden={pattern !== "weekday"}>
              <select className="select" aria-label="第几个" {...field("nth")}>
                {NTH.map((n) => (
                  <option key={n.value} value={n.value}>
                    {n.label}
                  </option>
                ))}
              </select>
              <select className="select" aria-label="星期几" {...field("weekday")}>
                {WEEKDAY_LABEL.map((w, i) => (
                  <option key={w} value={i}>
                    {w}
                  </option>
                ))}
              </select>
            </span>
            <span className="actions" hidden={pattern !== "dayOfMonth"}>
              <input
                className="input series-rule__day"
                type="number"
                min={1}
                max={28}
                aria-label="每月几号"
                {...field("dayOfMonth")}
              />
              <span className="muted">日（1–28）</span>
            </span>
            <FieldError id="weekday-error" message={err.weekday} />
            <FieldError id="dayOfMonth-error" message={err.dayOfMonth} />
          </div>
          <label className="field">
            <span className="field__label">从</span>
            <input className="input" type="date" {...field("from")} />
            <FieldError id="from-error" message={err.from} />
          </label>
          <label className="field">
            <span className="field__label">到</span>
            <input className="input" type="date" {...field("until")} />
            <FieldError id="until-error" message={err.until} />
          </label>
          <label className="field">
            <span className="field__label">开始时间</span>
            <input className="input" type="time" {...field("startTime")} />
            <FieldError id="startTime-error" message={err.startTime} />
          </label>
          <label className="field">
            <span className="field__label">结束时间</span>
            <input className="input" type="time" {...field("endTime")} />
            <FieldError id="endTime-error" message={err.endTime} />
          </label>
        </fieldset>

        <div className="card form-grid">
          <label className="field">
            <span className="field__label">地点</span>
            <input className="input" maxLength={100} placeholder="如：党员活动室" {...field("location")} />
            <FieldError id="location-error" message={err.location} />
          </label>
          <label className="field">
            <span className="field__label">线上会议链接（可选）</span>
            <input className="input" type="url" placeholder="https://" {...field("onlineUrl")} />
            <FieldError id="onlineUrl-error" message={err.onlineUrl} />
          </label>
          <label className="field">
            <span className="field__label">主持人</span>
            <select className="select" {...field("hostId")}>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <FieldError id="hostId-error" message={err.hostId} />
          </label>
          <label className="field">
            <span className="field__label">记录人</span>
            <select className="select" {...field("recorderId")}>
              <option value="">暂不指定</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <p className="muted field__hint">参会人员按会议类型自动确定（如主题党日为全体党员），每人只收到一条通知。</p>
        </div>

        {reply?.preview ? (
          <section className="card series-preview" aria-labelledby="preview-title" data-testid="series-preview">
            <h2 className="h3" id="preview-title">
              {`${reply.preview.rule}，共 ${reply.preview.rows.length} 次`}
            </h2>
            <ol className="series-preview__list">
              {reply.preview.rows.map((r) => (
                <li key={r.date}>
                  <span className="series-preview__date">
                    {md(r.date)} {r.weekday}
                  </span>
                  <span>{r.title}</span>
                  {r.movedFrom ? <span className="tag tag--muted">节假日顺延（原 {md(r.movedFrom)}）</span> : null}
                </li>
              ))}
            </ol>
            {reply.preview.skipped.length > 0 ? (
              <p className="muted">
                跳过：{reply.preview.skipped.map((s) => `${md(s.date)}（${s.reason}）`).join("、")}
              </p>
            ) : null}
          </section>
        ) : null}

        <div className="actions">
          <button className="btn" type="submit" name="intent" value="preview" disabled={busy}>
            预览日期
          </button>
          <button className="btn btn--primary" type="submit" name="intent" value="create" disabled={busy}>
            {busy ? "正在安排…" : "确认安排"}
          </button>
          <Link className="btn btn--ghost" to={`/orgs/${org.id}/calendar`}>
            取消
          </Link>
        </div>
      </Form>
    </AppShell>
  );
}

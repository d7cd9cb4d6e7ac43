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
import { confirmPlan, planYearFor, proposePlan, type PlanRowInput } from "../../server/services/calendar/annual-plan";
import { RowsRefused } from "../../server/services/calendar/bulk-schedule";
import { chinaDateKey, chinaParts } from "../../shared/time";
import { weekdayOfDate } from "../../shared/domain/kind-rules";
import { MEETING_KIND_LABEL, MEETING_KINDS, ownOrgWord, type MeetingKind } from "../../shared/domain/labels";
import { planRowsFromForm, PlanPlaceSchema, PlanRowSchema, PlanYearSchema } from "../../shared/schemas/plan";
import { AppShell } from "../components/app-shell";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { refused } from "../lib/form-errors.server";
import { schedulingOrg } from "../lib/org-access.server";
import planningStyles from "../styles/planning.css?url";
import calendarCss from "../styles/calendar.css?url";

export const meta: MetaFunction = () => [{ title: "年度计划 · 同心" }];
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: calendarCss },
  { rel: "stylesheet", href: planningStyles },
];

interface RowValues {
  kind: MeetingKind;
  orgId: string;
  orgName: string;
  title: string;
  date: string;
  startTime: string;
  endTime: string;
  periodLabel: string;
  byFixedDay: boolean;
  include: boolean;
}

interface PlanReply {
  formError?: string;
  fieldErrors?: Record<string, string>;
  rowErrors?: Record<number, string>;
  rows?: RowValues[];
  location?: string;
  onlineUrl?: string;
}

function yearOf(request: Request): number {
  const parsed = PlanYearSchema.safeParse(new URL(request.url).searchParams.get("year") ?? undefined);
  return parsed.success ? parsed.data : planYearFor();
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await schedulingOrg(context, request, params.orgId, "制订年度计划");
  if (org.kind !== "branch" && org.kind !== "group")
    throw new Response("年度计划按党支部或党小组制订，请进入相应的支部。", { status: 400 });
  const year = yearOf(request);
  const proposal = await proposePlan(context.services.sql, org, year);
  const thisYear = chinaParts(new Date()).year;
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind },
    year,
    years: [...new Set([thisYear, thisYear + 1, year])].sort(),
    lastLocation: proposal.lastLocation,
    existing: proposal.existing.length,
    rows: proposal.rows.map((r): RowValues => ({ ...r, include: true })),
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor, org } = await schedulingOrg(context, request, params.orgId, "制订年度计划");
  const form = await request.formData();
  const year = PlanYearSchema.safeParse(form.get("year"));
  if (!year.success) return data<PlanReply>({ formError: "年份有误，请刷新页面后重试。" }, { status: 400 });

  const posted = planRowsFromForm(form);
  // What was on the form, to show it again as it was typed.
  const rows: RowValues[] = posted.map(({ index, include, fields }) => ({
    kind: (MEETING_KINDS as readonly string[]).includes(fields.kind) ? (fields.kind as MeetingKind) : "theme_day",
    orgId: fields.orgId ?? "",
    orgName: String(form.get(`rows.${index}.orgName`) ?? ""),
    title: fields.title ?? "",
    date: fields.date ?? "",
    startTime: fields.startTime ?? "",
    endTime: fields.endTime ?? "",
    periodLabel: String(form.get(`rows.${index}.periodLabel`) ?? ""),
    byFixedDay: form.get(`rows.${index}.byFixedDay`) === "1",
    include,
  }));
  const typed = { rows, location: String(form.get("location") ?? ""), onlineUrl: String(form.get("onlineUrl") ?? "") };

  const place = PlanPlaceSchema.safeParse({ location: form.get("location"), onlineUrl: form.get("onlineUrl") });
  const rowErrors: Record<number, string> = {};
  const chosen: PlanRowInput[] = [];
  for (const [i, p] of posted.entries()) {
    if (!p.include) continue;
    const parsed = PlanRowSchema.safeParse(p.fields);
    if (parsed.success) chosen.push({ index: i, row: parsed.data });
    else rowErrors[i] = parsed.error.issues[0].message;
  }
  if (!place.success || Object.keys(rowErrors).length > 0) {
    const fieldErrors = place.success ? undefined : { location: place.error.issues[0].message };
    const bad = Object.keys(rowErrors).length;
    return data<PlanReply>(
      {
        ...typed,
        fieldErrors,
        rowErrors,
        formError: bad > 0 ? `有 ${bad} 项安排需要调整，请查看标出的行。` : fieldErrors?.location,
      },
      { status: 400 },
    );
  }
  try {
    const n = await confirmPlan(context.services.sql, actor, org.id, year.data, chosen, place.data);
    return redirect(`/orgs/${org.id}/calendar?view=agenda&month=${firstMonth(chosen)}&planned=${n}`);
  } catch (e) {
    if (e instanceof RowsRefused)
      return data<PlanReply>(
        { ...typed, formError: e.message, rowErrors: Object.fromEntries(e.rows.map((r) => [r.index, r.message])) },
        { status: e.status },
      );
    const reply = refused(e);
    return data<PlanReply>({ ...typed, ...reply.data }, { status: reply.init?.status ?? 400 });
  }
}

function firstMonth(rows: PlanRowInput[]): string {
  const first = rows.map((r) => r.row.startsAt).sort((a, b) => a.getTime() - b.getTime())[0];
  return chinaDateKey(first).slice(0, 7);
}

export default function AnnualPlan() {
  const loaded = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as PlanReply | undefined;
  const busy = useNavigation().state === "submitting";
  const { org, year } = loaded;
  const rows = reply?.rows ?? loaded.rows;
  const [included, setIncluded] = useState<boolean[]>(() => rows.map((r) => r.include));
  // Another year (the page stays mounted when only ?year= changes) or a reply brings its own rows
  // and ticks: count them afresh, or the count would stay the other list's. The form below is
  // keyed the same way, so its checkboxes start afresh too.
  const [seen, setSeen] = useState({ year, reply });
  if (seen.year !== year || seen.reply !== reply) {
    setSeen({ year, reply });
    setIncluded(rows.map((r) => r.include));
  }
  const count = included.filter(Boolean).length;

  const byKind = new Map<MeetingKind, number>();
  for (const [i, r] of rows.entries()) if (included[i]) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
  const months: { month: string; items: { row: RowValues; index: number }[] }[] = [];
  for (const [index, row] of rows.entries()) {
    const month = row.date.slice(0, 7);
    const last = months[months.length - 1];
    if (last && last.month === month) last.items.push({ row, index });
    else months.push({ month, items: [{ row, index }] });
  }

  return (
    <AppShell userName={loaded.userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <section className="page-head">
        <p className="eyebrow">年度计划 · {org.name}</p>
        <h1 className="h1">{`${year} 年度计划`}</h1>
        <p className="page-head__sub muted">
          按{ownOrgWord(org.kind)}的<Link to={`/orgs/${org.id}/settings`}>组织生活规则</Link>
          排出全年应开的会议，避开周末和法定节假日。请核对日期，去掉不需要的，再确认。确认后会议进入日历，每位参会人员只收到一条通知，会前按规则再提醒。
        </p>
        <nav className="plan-years" aria-label="选择年份">
          {loaded.years.map((y) => (
            <Link
              key={y}
              to={`?year=${y}`}
              className={y === year ? "chip is-active" : "chip"}
              aria-current={y === year ? "page" : undefined}
            >
              {y} 年
            </Link>
          ))}
        </nav>
      </section>

      {rows.length === 0 ? (
        <div className="card empty">
          <p className="h3">{year} 年应开的会议都已安排</p>
          <p className="muted">
            日历上已有本年度的 {loaded.existing} 次会议，规则要求的各期都已覆盖。需要加开的会议，请单独安排。
          </p>
          <p className="actions">
            <Link className="btn" to={`/orgs/${org.id}/calendar?view=agenda&month=${year}-01`}>
              查看支部日历
            </Link>
            <Link className="btn" to={`/orgs/${org.id}/meetings/new`}>
              安排会议
            </Link>
          </p>
        </div>
      ) : (
        <Form method="post" className="form plan-form" key={`${year}:${reply ? "reply" : "fresh"}`}>
          <input type="hidden" name="year" value={year} />
          <div className="card plan-summary" data-testid="plan-summary">
            <p className="plan-summary__lead">
              共 <strong>{count}</strong> 次会议
              {loaded.existing > 0 ? (
                <span className="muted">（日历上已有的 {loaded.existing} 次不再重复安排）</span>
              ) : null}
            </p>
            <ul className="plan-summary__kinds">
              {MEETING_KINDS.filter((k) => byKind.get(k)).map((k) => (
                <li key={k}>
                  <span className={`month-grid__dot kind--${k}`} aria-hidden="true" />
                  {MEETING_KIND_LABEL[k]} {byKind.get(k)}
                </li>
              ))}
            </ul>
            <div className="form-grid">
              <label className="field">
                <span className="field__label">默认地点</span>
                <input
                  className="input"
                  name="location"
                  defaultValue={reply?.location ?? loaded.lastLocation}
                  placeholder="如：党员活动室"
                  aria-invalid={reply?.fieldErrors?.location ? true : undefined}
                  aria-describedby="location-error"
                  maxLength={100}
                />
                <FieldError id="location-error" message={reply?.fieldErrors?.location} />
              </label>
              <label className="field">
                <span className="field__label">线上会议链接（可选）</span>
                <input
                  className="input"
                  name="onlineUrl"
                  type="url"
                  defaultValue={reply?.onlineUrl ?? ""}
                  placeholder="https://"
                />
              </label>
            </div>
            <p className="muted plan-summary__note">
              主持人默认为书记（党小组会为党小组长），记录人默认为组织委员；议程、学习资料和具体地点可在每次会议中补充。
            </p>
          </div>

          <FormAlert error={reply?.formError} />

          {months.map(({ month, items }) => (
            <section key={month} className="plan-month" aria-labelledby={`m-${month}`}>
              <h2 className="plan-month__title" id={`m-${month}`}>
                {Number(month.slice(5, 7)) || "?"}月
              </h2>
              <ul className="plan-rows">
                {items.map(({ row, index }) => {
                  const error = reply?.rowErrors?.[index];
                  const on = included[index];
                  const p = `rows.${index}`;
                  return (
                    <li
                      key={index}
                      className={`card plan-row kind--${row.kind}${on ? "" : " is-off"}${error ? " has-error" : ""}`}
                      data-testid="plan-row"
                    >
                      <input type="hidden" name={`${p}.kind`} value={row.kind} />
                      <input type="hidden" name={`${p}.orgId`} value={row.orgId} />
                      <input type="hidden" name={`${p}.orgName`} value={row.orgName} />
                      <input type="hidden" name={`${p}.periodLabel`} value={row.periodLabel} />
                      {row.byFixedDay ? <input type="hidden" name={`${p}.byFixedDay`} value="1" /> : null}
                      <label className="plan-row__head">
                        <input
                          type="checkbox"
                          name={`${p}.include`}
                          defaultChecked={row.include}
                          onChange={(e) => {
                            const next = [...included];
                            next[index] = e.currentTarget.checked;
                            setIncluded(next);
                          }}
                        />
                        <span className="tag cal-kind-tag">{MEETING_KIND_LABEL[row.kind]}</span>
                        {row.orgId !== org.id ? <span className="muted plan-row__org">{row.orgName}</span> : null}
                        {row.byFixedDay ? <span className="tag tag--muted">固定活动日</span> : null}
                      </label>
                      <div className="plan-row__fields">
                        <label className="field plan-row__title">
                          <span className="sr-only">会议主题</span>
                          <input className="input" name={`${p}.title`} defaultValue={row.title} maxLength={80} />
                        </label>
                        <label className="field plan-row__date">
                          <span className="sr-only">日期</span>
                          <input className="input" type="date" name={`${p}.date`} defaultValue={row.date} />
                        </label>
                        <label className="field plan-row__time">
                          <span className="sr-only">开始时间</span>
                          <input className="input" type="time" name={`${p}.startTime`} defaultValue={row.startTime} />
                        </label>
                        <label className="field plan-row__time">
                          <span className="sr-only">结束时间</span>
                          <input className="input" type="time" name={`${p}.endTime`} defaultValue={row.endTime} />
                        </label>
                      </div>
                      <p className="plan-row__foot muted">
                        {weekdayOfDate(row.date)}
                        {row.periodLabel ? ` · 计入${row.periodLabel}` : ""}
                      </p>
                      {error ? (
                        <p className="field__error" role="alert">
                          {error}
                        </p>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </section>
          ))}

          <div className="plan-bar">
            <span className="plan-bar__count" aria-live="polite">
              已选 {count} 次
            </span>
            <button className="btn btn--primary" type="submit" disabled={busy || count === 0}>
              {busy ? "正在安排…" : `确认年度计划（${count} 次）`}
            </button>
          </div>
        </Form>
      )}
    </AppShell>
  );
}

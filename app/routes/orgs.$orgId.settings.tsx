import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { orgSettings, saveOrgSettings } from "../../server/services/people/org-settings";
import { BranchSettingsSchema } from "../../shared/domain/org-settings";
import { CADENCE_LABEL, CADENCES, LEAST_FREQUENT_CADENCE, WEEKDAY_LABEL } from "../../shared/domain/kind-rules";
import {
  kindsAnsweredFor,
  MEETING_KIND_LABEL,
  MEETING_KINDS,
  OPTIONAL_KINDS,
  ORG_KIND_LABEL,
} from "../../shared/domain/labels";
import { AppShell } from "../components/app-shell";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { refused, type FormErrors } from "../lib/form-errors.server";
import { managedOrg } from "../lib/org-access.server";
import reflectionStyles from "../styles/reflections.css?url";

export const meta: MetaFunction = () => [{ title: "组织生活规则 · 同心" }];
// The 心得体会 visibility choice is styled there.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: reflectionStyles }];

const VISIBILITY = [
  { value: "committee", label: "仅本人和支委", hint: "提交后由本人、主持人和支部委员查看、审阅。" },
  { value: "branch", label: "提交后全支部可见", hint: "提交或通过后，支部党员都可以阅读，便于互相学习。" },
] as const;

// 组织生活会 (decision 035): who sees who wrote a criticism besides its author.
const CRITICISM_AUTHORS = [
  { value: "concerned", label: "仅被批评的本人和支委", hint: "其他与会党员只看到批评意见，不知道是谁提出的。" },
  { value: "readers", label: "所有能看到记录的人", hint: "与会党员在会议进行中也能看到每条批评意见的提出人。" },
] as const;

const ORDER = CADENCES;
const NTH = [
  { value: "1", label: "第一个" },
  { value: "2", label: "第二个" },
  { value: "3", label: "第三个" },
  { value: "4", label: "第四个" },
  { value: "-1", label: "最后一个" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await managedOrg(context, request, params.orgId, "修改组织生活规则");
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind, trackingStartedOn: org.trackingStartedOn },
    kinds: kindsAnsweredFor(org.kind),
    settings: await orgSettings(context.services.sql, org.id),
  };
}

const num = (v: FormDataEntryValue | null) => (v === null || v === "" ? undefined : Number(v));

/** The form's flat fields ("theme_day.cadence", …) as the nested overrides the schema checks. */
function fromForm(form: FormData) {
  const kinds: Record<string, Record<string, unknown>> = {};
  for (const kind of MEETING_KINDS) {
    const weekday = form.get(`${kind}.weekday`);
    kinds[kind] = {
      // an optional kind's checkbox: absent when unticked, so the form says it was shown
      enabled: form.get(`${kind}.shown`) === "1" ? form.get(`${kind}.enabled`) === "1" : undefined,
      cadence: form.get(`${kind}.cadence`) ?? undefined,
      noticeDays: num(form.get(`${kind}.noticeDays`)),
      attendanceThreshold: form.get(`${kind}.threshold`) ? Number(form.get(`${kind}.threshold`)) / 100 : undefined,
      // "" means 不固定; a post without the field keeps the default.
      ...(weekday === null
        ? {}
        : { fixedDay: weekday === "" ? null : { weekday: Number(weekday), nth: Number(form.get(`${kind}.nth`)) } }),
    };
  }
  return {
    kinds,
    absenceAlertCount: num(form.get("absenceAlertCount")),
    lapseWarningDays: num(form.get("lapseWarningDays")),
    minutesDueDays: num(form.get("minutesDueDays")),
    reviewExcellentPercent: num(form.get("reviewExcellentPercent")),
    // A post without the field keeps what is stored (the schema checks the value).
    reflectionVisibility: form.get("reflectionVisibility") ?? undefined,
    criticismAuthors: form.get("criticismAuthors") ?? undefined,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor, org } = await managedOrg(context, request, params.orgId, "修改组织生活规则");
  const form = await request.formData();
  const parsed = BranchSettingsSchema.safeParse(fromForm(form));
  if (!parsed.success) return data<FormErrors>({ formError: parsed.error.issues[0].message }, { status: 400 });
  const { sql, live } = context.services;
  try {
    const stored = await orgSettings(sql, org.id);
    const before = stored.reflectionVisibility;
    const authorsBefore = stored.criticismAuthors;
    const input = {
      ...parsed.data,
      reflectionVisibility: parsed.data.reflectionVisibility ?? before,
      criticismAuthors: parsed.data.criticismAuthors ?? authorsBefore,
    };
    // A post without the field keeps the stored date.
    const tracking = form.get("trackingStartedOn");
    await saveOrgSettings(sql, actor, org.id, {
      ...input,
      ...(typeof tracking === "string" && tracking !== "" ? { trackingStartedOn: tracking } : {}),
    });
    // Who may read submitted 心得体会, or criticisms with their authors, changed: open documents are re-checked.
    if (input.reflectionVisibility !== before || input.criticismAuthors !== authorsBefore) live.treeChanged();
    return { ok: "已保存。组织生活提醒和年度计划将按新规则计算。" };
  } catch (e) {
    return refused(e);
  }
}

export default function Settings() {
  const { userName, org, kinds, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as (FormErrors & { ok?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <section className="page-head">
        <h1 className="h1">组织生活规则</h1>
        <p className="page-head__sub muted">
          {org.kind === "branch" || org.kind === "group"
            ? "默认值依据《中国共产党支部工作条例（试行）》；本单位有具体规定的，可在此调整。频次不能低于条例的最低要求。"
            : `${ORG_KIND_LABEL[org.kind]}自己召开的会议：默认值为常见做法，本单位有具体规定的，可在此调整。下级支部的规则由各支部设置。`}
        </p>
      </section>
      <FormAlert error={result?.formError} ok={result?.ok} />
      <Form method="post" className="form">
        <div className="card form-grid" id="tracking">
          <label className="field">
            <span className="field__label">开始统计日期</span>
            <input
              className="input"
              type="date"
              name="trackingStartedOn"
              min="2000-01-01"
              defaultValue={org.trackingStartedOn}
              aria-describedby="tracking-hint"
            />
            <span className="field__hint" id="tracking-hint">
              从这一天开始的周期才计入应开次数，此前不算逾期。默认为本组织在系统中建立的日期；补录了更早的会议后，可提前到实际开始统计的日子。
            </span>
            <FieldError id="tracking-error" message={result?.fieldErrors?.trackingStartedOn} />
          </label>
        </div>
        <ul className="list">
          {kinds.map((kind) => {
            const rule = settings.kinds[kind];
            const least = ORDER.indexOf(LEAST_FREQUENT_CADENCE[kind]);
            const fixed = rule.fixedDay && "weekday" in rule.fixedDay ? rule.fixedDay : null;
            return (
              <li key={kind} className="row" style={{ flexDirection: "column", alignItems: "stretch" }}>
                <span className="row__title">{MEETING_KIND_LABEL[kind]}</span>
                {OPTIONAL_KINDS.includes(kind) ? (
                  <label className="check">
                    <input type="hidden" name={`${kind}.shown`} value="1" />
                    <input type="checkbox" name={`${kind}.enabled`} value="1" defaultChecked={rule.enabled} />
                    <span>本单位已设立{MEETING_KIND_LABEL[kind]}（启用后可安排，并按下面的频次提醒）</span>
                  </label>
                ) : null}
                <div className="form-grid">
                  <label className="field">
                    <span className="field__label">频次</span>
                    <select className="select" name={`${kind}.cadence`} defaultValue={rule.cadence}>
                      {CADENCES.filter((c) => ORDER.indexOf(c) <= least).map((c) => (
                        <option key={c} value={c}>
                          {c === "none" ? "不作要求" : CADENCE_LABEL[c]}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label className="field">
                    <span className="field__label">提前通知（天）</span>
                    <input
                      className="input"
                      type="number"
                      min={0}
                      max={60}
                      name={`${kind}.noticeDays`}
                      defaultValue={rule.noticeDays}
                    />
                  </label>
                  <label className="field">
                    <span className="field__label">出席率要求（%）</span>
                    <input
                      className="input"
                      type="number"
                      min={0}
                      max={100}
                      name={`${kind}.threshold`}
                      defaultValue={Math.round(rule.attendanceThreshold * 100)}
                    />
                  </label>
                  {kind === "theme_day" ? (
                    <label className="field">
                      <span className="field__label">固定活动日</span>
                      <span className="actions">
                        <select
                          className="select"
                          name={`${kind}.nth`}
                          defaultValue={String(fixed?.nth ?? 1)}
                          aria-label="第几个"
                        >
                          {NTH.map((n) => (
                            <option key={n.value} value={n.value}>
                              每月{n.label}
                            </option>
                          ))}
                        </select>
                        <select
                          className="select"
                          name={`${kind}.weekday`}
                          defaultValue={fixed ? String(fixed.weekday) : ""}
                          aria-label="星期几"
                        >
                          <option value="">不固定</option>
                          {WEEKDAY_LABEL.map((w, i) => (
                            <option key={w} value={i}>
                              {w}
                            </option>
                          ))}
                        </select>
                      </span>
                    </label>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
        <div className="card form-grid">
          <label className="field">
            <span className="field__label">无故缺席几次提醒谈心</span>
            <input
              className="input"
              type="number"
              min={1}
              max={20}
              name="absenceAlertCount"
              defaultValue={settings.absenceAlertCount}
            />
          </label>
          <label className="field">
            <span className="field__label">多少天未参加组织生活时预警</span>
            <input
              className="input"
              type="number"
              min={7}
              max={150}
              name="lapseWarningDays"
              defaultValue={settings.lapseWarningDays}
            />
          </label>
          <label className="field">
            <span className="field__label">会后几天内完成会议记录</span>
            <input
              className="input"
              type="number"
              min={1}
              max={60}
              name="minutesDueDays"
              defaultValue={settings.minutesDueDays}
            />
          </label>
          <label className="field">
            <span className="field__label">民主评议优秀比例上限（%）</span>
            <input
              className="input"
              type="number"
              min={1}
              max={100}
              name="reviewExcellentPercent"
              defaultValue={settings.reviewExcellentPercent}
              aria-describedby="review-cap-hint"
            />
            <span className="field__hint" id="review-cap-hint">
              按参评人数计算，向下取整，至少 1 人；支委会评定的优秀人数超过时给出提醒。
            </span>
          </label>
        </div>
        <div
          className="card field"
          role="radiogroup"
          aria-labelledby="visibility-label"
          aria-describedby="visibility-hint"
          data-testid="reflection-visibility"
        >
          <span className="field__label" id="visibility-label">
            心得体会查看范围
          </span>
          {VISIBILITY.map((v) => (
            <label key={v.value} className="check visibility-option">
              <input
                type="radio"
                name="reflectionVisibility"
                value={v.value}
                defaultChecked={settings.reflectionVisibility === v.value}
              />
              <span>
                <span className="visibility-option__label">{v.label}</span>
                <span className="muted visibility-option__hint">{v.hint}</span>
              </span>
            </label>
          ))}
          <span className="field__hint" id="visibility-hint">
            草稿始终只有本人可见；相似度比对结果只有审阅人（主持人、支委、党小组长）可见。
          </span>
        </div>
        <div
          className="card field"
          role="radiogroup"
          aria-labelledby="criticism-authors-label"
          data-testid="criticism-authors"
        >
          <span className="field__label" id="criticism-authors-label">
            组织生活会批评意见的提出人
          </span>
          {CRITICISM_AUTHORS.map((v) => (
            <label key={v.value} className="check visibility-option">
              <input
                type="radio"
                name="criticismAuthors"
                value={v.value}
                defaultChecked={settings.criticismAuthors === v.value}
              />
              <span>
                <span className="visibility-option__label">{v.label}</span>
                <span className="muted visibility-option__hint">{v.hint}</span>
              </span>
            </label>
          ))}
        </div>
        <button className="btn btn--primary" type="submit" disabled={busy}>
          {busy ? "正在保存…" : "保存规则"}
        </button>
      </Form>
    </AppShell>
  );
}

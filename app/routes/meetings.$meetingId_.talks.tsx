import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import {
  recordTalk,
  requireTalks,
  saveTalkSettings,
  talksPage,
  type TalksPage,
} from "../../server/services/life/talks";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import {
  PAIR_REASON_LABEL,
  TALK_PLACE_MAX,
  TALK_RULE_KEYS,
  TALK_RULE_LABEL,
  TALK_SUMMARY_MAX,
  talkInputSchema,
  talkRulesFromForm,
  talkToday,
} from "../../shared/domain/talk-pairs";
import { dateInWords } from "../../shared/time";
import { AppShell } from "../components/app-shell";
import { ClockIcon, PeopleIcon } from "../components/icons";
import { MeetingHead } from "../components/meeting-head";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { Stat } from "../components/stat";
import { requireActor } from "../lib/actor.server";
import { invalid, loaded, refused, type FormErrors } from "../lib/form-errors.server";
import { formatRange } from "../lib/format";
import styles from "../styles/talks.css?url";

// 谈心谈话 before a 组织生活会 (docs/decisions/033-talks.md), phone first: record a talk (partner
// from the branch roll, the day, place or 线上, a short summary), see one's own talks and required
// partners; the 支委 see every required pair done or missing (a matrix on a wide screen, a list on a
// phone) and the summaries (their reads of others' summaries are audited); the branch's managers
// set which pairs are required and each 党小组's 联系支委.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `谈心谈话 · ${data.page.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const page = await loaded(talksPage(context.services.sql, actor, params.meetingId ?? ""));
  return { userName: user.displayName, page, today: talkToday() };
}

const IntentSchema = z.enum(["record", "settings"], { error: "无法识别的操作" });

type Values = Record<string, string>;
type Reply = FormErrors & { ok?: string; values?: Values };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = await request.formData();
  const values = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Values;
  const parsed = IntentSchema.safeParse(values.intent);
  if (!parsed.success) return data<Reply>({ formError: parsed.error.issues[0].message, values }, { status: 400 });
  const intent = parsed.data;
  // Whoever may not see the meeting's talks gets 404 before anything about the input is said.
  await loaded(requireTalks(sql, actor.subject, meetingId));
  try {
    switch (intent) {
      case "record": {
        const input = talkInputSchema(talkToday()).safeParse({
          ...values,
          personId: values.personId || actor.userId,
        });
        if (!input.success) {
          const bad = invalid(input.error, intent);
          return data<Reply>({ ...bad.data, values }, { status: 400 });
        }
        await recordTalk(sql, actor, meetingId, input.data);
        return { intent, ok: "谈话记录已保存，谈话双方和支委可以看到。" } satisfies Reply;
      }
      case "settings": {
        const liaisons: Record<string, string> = {};
        for (const [k, v] of Object.entries(values)) if (k.startsWith("liaison.")) liaisons[k.slice(8)] = v;
        await saveTalkSettings(sql, actor, meetingId, talkRulesFromForm(values), liaisons);
        return { intent, ok: "谈心谈话要求已保存。" } satisfies Reply;
      }
    }
  } catch (e) {
    const r = refused(e, intent);
    return data<Reply>({ ...r.data, values }, { status: r.init?.status ?? 400 });
  }
}

export default function TalksRoute() {
  const { userName, page, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Reply | undefined;
  const busy = useNavigation().state === "submitting";
  const m = page.meeting;
  const mine = (intent: string) => (result?.intent === intent ? result : undefined);
  return (
    <AppShell userName={userName}>
      <Crumbs
        back={{ to: `/meetings/${m.id}`, label: "会议" }}
        trail={[MEETING_KIND_LABEL[m.kind as MeetingKind], "谈心谈话"]}
      />
      <MeetingHead
        tags={<span className={`tag talk-kind kind--${m.kind}`}>{MEETING_KIND_LABEL[m.kind as MeetingKind]}</span>}
        eyebrow="会前谈心谈话"
        title={m.title}
        facts={[
          { icon: ClockIcon, label: "会议时间", value: formatRange(m.startsAt, m.endsAt) },
          { icon: PeopleIcon, label: "组织", value: m.orgName },
        ]}
      />
      {result && !result.intent ? <FormAlert error={result.formError} /> : null}

      {page.partners.length > 0 ? <Partners partners={page.partners} /> : null}
      {page.form ? (
        <RecordForm
          form={page.form}
          today={today}
          result={mine("record")}
          busy={busy}
          resetKey={page.talks.length}
          partners={page.partners}
        />
      ) : null}
      {page.matrix ? <Matrix matrix={page.matrix} /> : null}
      <Records talks={page.talks} view={page.view} summaries={page.matrix?.summaries ?? true} />
      {page.settings ? <Settings settings={page.settings} result={mine("settings")} busy={busy} /> : null}
    </AppShell>
  );
}

function Partners({ partners }: { partners: TalksPage["partners"] }) {
  return (
    <section className="card section talk-partners" aria-labelledby="partners-heading" data-testid="my-partners">
      <h2 className="h3" id="partners-heading">
        我应谈话的同志
      </h2>
      <ul className="talk-chips">
        {partners.map((p) => (
          <li key={p.id} className={p.done ? "talk-chip talk-chip--done" : "talk-chip"} data-done={p.done}>
            {p.name}
            <span className="talk-chip__state">{p.done ? "已谈" : "未谈"}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RecordForm({
  form,
  today,
  result,
  busy,
  resetKey,
  partners,
}: {
  form: NonNullable<TalksPage["form"]>;
  resetKey: number;
  partners: TalksPage["partners"];
  today: string;
  result?: Reply;
  busy: boolean;
}) {
  const v = result?.values ?? {};
  const err = result?.fieldErrors ?? {};
  const val = (name: string, fallback = "") => v[name] ?? fallback;
  // The partner picker: one's required partners first, then everyone else on the roll (oneself
  // only for a manager, who may record a talk between two others).
  const owedIds = new Set(partners.map((p) => p.id));
  const owed = partners;
  const others = form.partners.filter((p) => !owedIds.has(p.id) && (form.people.length > 1 || p.id !== form.me));
  // After a save the form starts empty again (a new key), after a refusal it keeps what was typed.
  const key = `form-${resetKey}`;
  return (
    <section className="card section" aria-labelledby="record-heading" id="record">
      <h2 className="h3" id="record-heading">
        记录一次谈话
      </h2>
      <Form method="post" className="form talk-form" key={key} action="#record">
        <input type="hidden" name="intent" value="record" />
        <FormAlert error={result?.formError} ok={result?.ok} />
        {form.people.length > 1 ? (
          <label className="field">
            <span className="field__label">谈话一方</span>
            <select
              className="select"
              name="personId"
              defaultValue={val("personId", form.me)}
              aria-describedby="person-error"
            >
              {form.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.id === form.me ? "（我）" : ""}
                </option>
              ))}
            </select>
            <FieldError id="person-error" message={err.personId} />
          </label>
        ) : (
          <input type="hidden" name="personId" value={form.me} />
        )}
        <label className="field">
          <span className="field__label">谈话对象</span>
          <select className="select" name="partnerId" defaultValue={val("partnerId")} aria-describedby="partner-error">
            <option value="">请选择</option>
            {owed.length > 0 ? (
              <optgroup label="应谈话的同志">
                {owed.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                    {p.done ? "（已谈）" : ""}
                  </option>
                ))}
              </optgroup>
            ) : null}
            <optgroup label={owed.length > 0 ? "其他同志" : "本支部党员"}>
              {others.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </optgroup>
          </select>
          <FieldError id="partner-error" message={err.partnerId} />
        </label>
        <div className="talk-form__row">
          <label className="field">
            <span className="field__label">谈话日期</span>
            <input
              className="input"
              type="date"
              name="talkedOn"
              max={today}
              defaultValue={val("talkedOn", today)}
              aria-describedby="date-error"
            />
            <FieldError id="date-error" message={err.talkedOn} />
          </label>
          <label className="field">
            <span className="field__label">谈话地点</span>
            <input
              className="input"
              name="place"
              maxLength={TALK_PLACE_MAX}
              placeholder="如：党员活动室"
              defaultValue={val("place")}
              aria-describedby="place-error"
            />
            <FieldError id="place-error" message={err.place} />
          </label>
        </div>
        <label className="talk-form__check">
          <input type="checkbox" name="online" defaultChecked={val("online") === "on"} />
          线上谈话（电话或视频）
        </label>
        <label className="field">
          <span className="field__label">谈话摘要</span>
          <textarea
            className="input"
            name="summary"
            rows={4}
            defaultValue={val("summary")}
            aria-describedby="summary-error summary-hint"
          />
          <span className="field__hint" id="summary-hint">
            简要记下谈了什么，最多 {TALK_SUMMARY_MAX} 字。只有谈话双方和支委能看到。
          </span>
          <FieldError id="summary-error" message={err.summary} />
        </label>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          保存谈话记录
        </button>
      </Form>
    </section>
  );
}

function Matrix({ matrix }: { matrix: NonNullable<TalksPage["matrix"]> }) {
  const name = new Map(matrix.people.map((p) => [p.id, p.name]));
  const cell = new Map(matrix.pairs.map((p) => [`${p.a}:${p.b}`, p]));
  const pairOf = (x: string, y: string) => cell.get(x < y ? `${x}:${y}` : `${y}:${x}`);
  const missing = matrix.pairs.filter((p) => !p.done);
  const done = matrix.pairs.filter((p) => p.done);
  const pairLabel = (p: { a: string; b: string }) => `${name.get(p.a) ?? ""} ↔ ${name.get(p.b) ?? ""}`;
  return (
    <section className="section" aria-labelledby="matrix-heading" data-testid="talk-matrix">
      <h2 className="h3" id="matrix-heading">
        要求的谈话
      </h2>
      <div className="stats talk-stats">
        <Stat value={matrix.totals.required} label="要求谈话（对）" />
        <Stat value={matrix.totals.done} label="已记录" />
        <Stat value={matrix.totals.missing} label="未记录" danger={matrix.totals.missing > 0} />
      </div>
      {matrix.totals.required === 0 ? (
        <p className="muted">按本支部的谈话要求，目前没有需要记录的谈话。</p>
      ) : matrix.missingPeople.length > 0 ? (
        <p className="talk-owing" data-testid="missing-people">
          尚有谈话未记录的同志：{matrix.missingPeople.map((p) => p.name).join("、")}
        </p>
      ) : (
        <p className="talk-owing talk-owing--done">要求的谈话都已记录。</p>
      )}

      {/* A phone: the missing pairs by name, the done ones folded away. */}
      <div className="card talk-pairs-list">
        {missing.length > 0 ? (
          <>
            <h3 className="talk-pairs-list__title">未记录</h3>
            <ul className="talk-pairs">
              {missing.map((p) => (
                <li key={`${p.a}:${p.b}`} className="talk-pair" data-state="missing">
                  <span>{pairLabel(p)}</span>
                  <span className="talk-pair__why">{p.reasons.map((r) => PAIR_REASON_LABEL[r]).join("、")}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {done.length > 0 ? (
          <details className="talk-done">
            <summary>已记录 {done.length} 对</summary>
            <ul className="talk-pairs">
              {done.map((p) => (
                <li key={`${p.a}:${p.b}`} className="talk-pair" data-state="done">
                  <span>{pairLabel(p)}</span>
                  <span className="talk-pair__ok">已谈</span>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>

      {/* A wide screen: who with whom, at a glance. */}
      {matrix.people.length > 1 ? (
        <div className="card talk-grid-wrap">
          <table className="talk-grid">
            <caption className="sr-only">要求的谈话：行与列交叉处为两人之间的谈话</caption>
            <thead>
              <tr>
                <td />
                {matrix.people.map((p) => (
                  <th key={p.id} scope="col">
                    <span className="talk-grid__col">{p.name}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.people.map((row) => (
                <tr key={row.id}>
                  <th scope="row">
                    {row.name}
                    {row.role !== "member" ? (
                      <span className="talk-grid__role">{row.role === "secretary" ? "书记" : "委员"}</span>
                    ) : null}
                  </th>
                  {matrix.people.map((col) => {
                    if (col.id === row.id) return <td key={col.id} className="talk-grid__self" aria-hidden="true" />;
                    const p = pairOf(row.id, col.id);
                    if (!p) return <td key={col.id} className="talk-grid__none" />;
                    return (
                      <td
                        key={col.id}
                        className={p.done ? "talk-grid__done" : "talk-grid__missing"}
                        data-pair={`${row.name}-${col.name}`}
                        data-state={p.done ? "done" : "missing"}
                        title={`${row.name} ↔ ${col.name}：${p.done ? "已谈" : "未谈"}`}
                      >
                        {p.done ? "✓" : "未谈"}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted talk-grid__legend">✓ 已记录谈话 · 未谈：要求的谈话尚未记录 · 空白：不要求</p>
        </div>
      ) : null}
    </section>
  );
}

function Records({
  talks,
  view,
  summaries,
}: {
  talks: TalksPage["talks"];
  view: TalksPage["view"];
  summaries: boolean;
}) {
  return (
    <section className="section" aria-labelledby="records-heading">
      <h2 className="h3" id="records-heading">
        {view === "own" ? "我的谈话记录" : "谈话记录"}
      </h2>
      {!summaries && view === "matrix" ? (
        <p className="muted">谈话摘要只有谈话双方和支委可以查看；上级党组织需经申请授权后查看。</p>
      ) : talks.length === 0 ? (
        <p className="muted">还没有谈话记录。</p>
      ) : (
        <ul className="talk-records" data-testid="talk-records">
          {talks.map((t) => (
            <li key={t.id} className="card talk-record" data-mine={t.mine}>
              <p className="talk-record__head">
                <strong>
                  {t.a.name} ↔ {t.b.name}
                </strong>
                <span className="muted">
                  {dateInWords(t.talkedOn)} · {t.online ? `线上${t.place ? `（${t.place}）` : ""}` : t.place}
                </span>
              </p>
              <p className="talk-record__summary">{t.summary}</p>
              <p className="muted talk-record__by">由 {t.recordedBy} 记录</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Settings({
  settings,
  result,
  busy,
}: {
  settings: NonNullable<TalksPage["settings"]>;
  result?: Reply;
  busy: boolean;
}) {
  const err = result?.fieldErrors ?? {};
  const fields = (
    <>
      <fieldset className="talk-rules" disabled={!settings.canManage}>
        <legend className="field__label">本支部要求的谈话</legend>
        {TALK_RULE_KEYS.map((k) => (
          <label key={k} className="talk-form__check">
            <input type="checkbox" name={k} defaultChecked={settings.rules[k]} />
            {TALK_RULE_LABEL[k]}
          </label>
        ))}
      </fieldset>
      {settings.groups.map((g) => (
        <label key={g.id} className="field">
          <span className="field__label">{g.name}的联系支委</span>
          <select
            className="select"
            name={`liaison.${g.id}`}
            defaultValue={g.liaisonId ?? ""}
            disabled={!settings.canManage}
            aria-describedby={`liaison-${g.id}-error`}
          >
            <option value="">默认：本小组中的支委委员</option>
            {settings.committee.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <span className="field__hint">
            现在联系本小组的：{g.lookers.length > 0 ? g.lookers.map((l) => l.name).join("、") : "无"}
          </span>
          <FieldError id={`liaison-${g.id}-error`} message={err[`liaison.${g.id}`]} />
        </label>
      ))}
    </>
  );
  return (
    <details className="card section talk-settings" id="settings" open={Boolean(result)}>
      <summary className="talk-settings__summary">谈话要求和联系支委</summary>
      {settings.canManage ? (
        <Form method="post" className="form" action="#settings">
          <input type="hidden" name="intent" value="settings" />
          <FormAlert error={result?.formError} ok={result?.ok} />
          {fields}
          <button type="submit" className="btn" disabled={busy}>
            保存谈话要求
          </button>
        </Form>
      ) : (
        <div className="form">{fields}</div>
      )}
    </details>
  );
}

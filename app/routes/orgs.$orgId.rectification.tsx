import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  addProblem,
  confirmRectification,
  createRectification,
  draftFromSource,
  editRectification,
  rectificationPage,
  reportRectification,
  requireRectificationList,
  returnRectification,
  saveRectificationSettings,
  type ItemDraft,
} from "../../server/services/life/rectification";
import {
  LIMITS,
  RECTIFICATION_STATUS_LABEL,
  RectificationActionSchema,
  REMIND_DAYS,
  SCOPE_LABEL,
} from "../../shared/schemas/rectification";
import { canWrite } from "../../shared/permissions";
import { chinaDateKey, dateInWords } from "../../shared/time";
import { AppShell } from "../components/app-shell";
import { ConfirmButton } from "../components/confirm-dialog";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { invalid, loaded, refused, type FormErrors } from "../lib/form-errors.server";
import { formatDate } from "../lib/format";
import styles from "../styles/rectification.css?url";

export const meta: MetaFunction = () => [{ title: "整改清单 · 同心" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const page = await loaded(rectificationPage(sql, actor.subject, params.orgId ?? ""));
  // 「生成整改事项」 on a 问题清单 item, an opinion (征求意见) or a criticism (批评与自我批评):
  // the form below filled from it. A bad or foreign source leaves the form empty.
  const search = new URL(request.url).searchParams;
  const from = search.get("from");
  const opinion = search.get("opinion");
  const criticism = search.get("criticism");
  const source = from
    ? ({ kind: "problem", id: from } as const)
    : opinion
      ? ({ kind: "opinion", id: opinion } as const)
      : criticism
        ? ({ kind: "criticism", id: criticism } as const)
        : null;
  const draft: ItemDraft | null =
    source && page.mayCreate
      ? await draftFromSource(sql, actor.subject, page.org.id, source, { live, address: actor.address })
      : null;
  return {
    userName: user.displayName,
    userId: user.id,
    today: chinaDateKey(new Date()),
    draft,
    ...page,
    org: { id: page.org.id, name: page.org.name },
  };
}

type Values = Record<string, string>;
type Reply = FormErrors & { ok?: string; itemId?: string; values?: Values };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const orgId = params.orgId ?? "";
  // Another branch's list answers 404 whatever was posted.
  await loaded(requireRectificationList(sql, actor.subject, orgId));
  const form = await request.formData();
  const values = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Values;
  const parsed = RectificationActionSchema.safeParse(values);
  if (!parsed.success) {
    const bad = invalid(parsed.error, values.intent);
    return data<Reply>({ ...bad.data, itemId: values.itemId, values }, { status: 400 });
  }
  const a = parsed.data;
  try {
    switch (a.intent) {
      case "create":
        await createRectification(sql, actor, orgId, a, undefined, live);
        return { ok: "已加入整改清单，责任人会收到通知。", intent: a.intent } satisfies Reply;
      case "edit": {
        const { intent: _, itemId, ...edit } = a;
        await editRectification(sql, actor, orgId, itemId, edit);
        return { ok: "已保存修改。", intent: a.intent, itemId } satisfies Reply;
      }
      case "problem":
        await addProblem(sql, actor, orgId, a);
        return { ok: "已加入问题清单。", intent: a.intent } satisfies Reply;
      case "report":
        await reportRectification(sql, actor, a.itemId, a.note);
        return { ok: "已报告整改完成情况，等待书记确认销号。", intent: a.intent, itemId: a.itemId } satisfies Reply;
      case "confirm":
        await confirmRectification(sql, actor, a.itemId);
        return { ok: "已对单销号。", intent: a.intent, itemId: a.itemId } satisfies Reply;
      case "return":
        await returnRectification(sql, actor, a.itemId, a.note);
        return { ok: "已退回，责任人会收到退回意见。", intent: a.intent, itemId: a.itemId } satisfies Reply;
      case "settings":
        await saveRectificationSettings(sql, actor, orgId, { scope: a.scope, remindDays: a.remindDays });
        return { ok: "已保存公开范围和提醒设置。", intent: a.intent } satisfies Reply;
    }
  } catch (e) {
    const r = refused(e, a.intent);
    return data<Reply>(
      { ...r.data, itemId: "itemId" in a ? a.itemId : undefined, values },
      { status: r.init?.status ?? 400 },
    );
  }
}

export default function Rectification() {
  const page = useLoaderData<typeof loader>();
  const { userName, org, items, counts, settings, mayCreate, problems, draft } = page;
  const result = useActionData<typeof action>() as Reply | undefined;
  const busy = useNavigation().state === "submitting";
  const mine = (intent: string) => (result?.intent === intent ? result : undefined);
  const created = mine("create");
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <section className="page-head">
        <h1 className="h1">整改清单</h1>
        <p className="page-head__sub muted">
          组织生活会后的问题逐项整改、对单销号。公开范围：{SCOPE_LABEL[settings.scope]}；清单同时报上级党组织。
        </p>
      </section>

      <div className="stats rect-stats" data-testid="rect-counts">
        <div className="stat">
          <span className="stat__value">{counts.open}</span>
          <span className="stat__label">未销号</span>
        </div>
        <div className="stat">
          <span className="stat__value">{counts.reported}</span>
          <span className="stat__label">待书记确认</span>
        </div>
        <div className="stat">
          <span className={counts.overdue > 0 ? "stat__value text-danger" : "stat__value"}>{counts.overdue}</span>
          <span className="stat__label">已逾期</span>
        </div>
        <div className="stat">
          <span className="stat__value">{counts.closed}</span>
          <span className="stat__label">已销号</span>
        </div>
      </div>

      {result && !result.itemId && result.intent !== "create" && result.intent !== "problem" ? (
        <FormAlert error={result.formError} ok={result.ok} />
      ) : null}

      {mayCreate ? (
        <details className="card rect-new" id="new" open={!!draft || (!!created && !created.ok)}>
          <summary className="rect-new__summary">新增整改事项</summary>
          {/* Keyed by its source: 「生成整改事项」 is a client navigation, and a mounted form would keep
              its old defaults (the owner stayed 本支部 while the problem's text came in). */}
          <CreateForm
            key={draft ? (draft.problemId ?? draft.opinionId ?? draft.criticism ?? "draft") : "blank"}
            page={page}
            draft={draft}
            result={created}
            busy={busy}
          />
        </details>
      ) : null}
      {created?.ok ? <FormAlert ok={created.ok} /> : null}

      <section className="section" aria-labelledby="items-heading">
        <h2 className="h2" id="items-heading">
          整改事项
        </h2>
        {items.length === 0 ? (
          <p className="muted">还没有整改事项。</p>
        ) : (
          <ul className="rect-list">
            {items.map((item) => (
              <ItemCard
                key={item.id}
                item={item}
                page={page}
                result={result?.itemId === item.id ? result : undefined}
                busy={busy}
              />
            ))}
          </ul>
        )}
      </section>

      {problems ? <Problems page={page} result={mine("problem")} busy={busy} /> : null}
      {mayCreate ? <Settings page={page} result={mine("settings")} busy={busy} /> : null}
    </AppShell>
  );
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>;

function CreateForm({
  page,
  draft,
  result,
  busy,
}: {
  page: Page;
  draft: ItemDraft | null;
  result?: Reply;
  busy: boolean;
}) {
  const v = result?.values ?? {};
  const err = result?.fieldErrors ?? {};
  const val = (name: string, fallback = "") => v[name] ?? fallback;
  return (
    <Form method="post" className="form rect-form" action={`/orgs/${page.org.id}/rectification#new`}>
      <input type="hidden" name="intent" value="create" />
      <input type="hidden" name="problemId" value={val("problemId", draft?.problemId ?? "")} />
      <input type="hidden" name="opinionId" value={val("opinionId", draft?.opinionId ?? "")} />
      <input type="hidden" name="criticism" value={val("criticism", draft?.criticism ?? "")} />
      <FormAlert error={result?.formError} />
      <ItemFields
        page={page}
        idPrefix="new"
        errors={err}
        values={{
          problem: val("problem", draft?.problem),
          measures: val("measures"),
          ownerId: val("ownerId", draft?.ownerId ?? ""),
          deadline: val("deadline"),
          commitment: val("commitment"),
        }}
      />
      {page.meetings.length > 0 ? (
        <label className="field">
          <span className="field__label">来自哪次会议（可不选）</span>
          <select className="select" name="meetingId" defaultValue={val("meetingId", draft?.meetingId ?? "")}>
            <option value="">不关联会议</option>
            {page.meetings.map((m) => (
              <option key={m.id} value={m.id}>
                {formatDate(m.startsAt)} {m.title}
              </option>
            ))}
          </select>
          <FieldError id="meeting-error" message={err.meetingId} />
        </label>
      ) : null}
      {err.problemId || err.opinionId || err.criticism ? (
        <FieldError id="source-error" message={err.problemId ?? err.opinionId ?? err.criticism} />
      ) : null}
      <button type="submit" className="btn btn--primary" disabled={busy}>
        加入整改清单
      </button>
    </Form>
  );
}

function ItemCard({
  item,
  page,
  result,
  busy,
}: {
  item: Page["items"][number];
  page: Page;
  result?: Reply;
  busy: boolean;
}) {
  const reportable = canWrite(item.access) && (item.status === "open" || item.status === "returned");
  const confirmable = item.access === "manage" && item.status === "reported";
  const v = result?.values ?? {};
  return (
    <li className="card rect-item" id={`item-${item.id}`} data-testid="rect-item" data-status={item.status}>
      <div className="rect-item__head">
        <span className={`tag rect-tag rect-tag--${item.status}`}>{RECTIFICATION_STATUS_LABEL[item.status]}</span>
        {item.overdue ? <span className="tag rect-tag rect-tag--overdue">已逾期</span> : null}
        {item.sourceKind === "criticism" ? <span className="tag tag--muted">来自批评意见</span> : null}
        {item.sourceKind === "opinion" ? <span className="tag tag--muted">来自征求意见</span> : null}
        <span className="rect-item__deadline">时限 {dateInWords(item.deadline)}</span>
      </div>
      <p className="rect-item__problem">{item.problem}</p>
      <dl className="rect-item__facts">
        <dt>整改措施</dt>
        <dd>{item.measures}</dd>
        <dt>责任人</dt>
        <dd>{item.ownerName ?? "本支部"}</dd>
        <dt>整改承诺</dt>
        <dd>{item.commitment}</dd>
        {item.meetingTitle ? (
          <>
            <dt>来自</dt>
            <dd>
              <Link to={`/meetings/${item.meetingId}`}>{item.meetingTitle}</Link>
            </dd>
          </>
        ) : null}
        {item.reportNote ? (
          <>
            <dt>完成情况</dt>
            <dd data-testid="rect-report-note">{item.reportNote}</dd>
          </>
        ) : null}
        {item.status === "returned" && item.returnNote ? (
          <>
            <dt>退回意见</dt>
            <dd className="text-danger">{item.returnNote}</dd>
          </>
        ) : null}
        {item.closedAt ? (
          <>
            <dt>销号</dt>
            <dd>
              {item.closedByName} 于 {formatDate(item.closedAt)} 确认
            </dd>
          </>
        ) : null}
      </dl>
      {result ? <FormAlert error={result.formError} ok={result.ok} /> : null}
      {page.mayCreate && item.status !== "closed" ? (
        <EditForm item={item} page={page} result={result?.intent === "edit" ? result : undefined} busy={busy} />
      ) : null}
      {reportable ? (
        <Form
          method="post"
          className="form rect-item__form"
          action={`/orgs/${page.org.id}/rectification#item-${item.id}`}
        >
          <input type="hidden" name="intent" value="report" />
          <input type="hidden" name="itemId" value={item.id} />
          <label className="field">
            <span className="field__label">整改完成情况</span>
            <textarea
              className="input"
              name="note"
              rows={2}
              maxLength={LIMITS.note}
              defaultValue={result?.intent === "report" ? v.note : undefined}
              placeholder="做了什么、效果如何"
              aria-describedby={`note-${item.id}`}
            />
            <FieldError
              id={`note-${item.id}`}
              message={result?.intent === "report" ? result.fieldErrors?.note : undefined}
            />
          </label>
          <button type="submit" className="btn btn--primary btn--small" disabled={busy}>
            报告完成
          </button>
        </Form>
      ) : null}
      {confirmable ? (
        <div className="rect-item__decide">
          <Form method="post" action={`/orgs/${page.org.id}/rectification#item-${item.id}`}>
            <input type="hidden" name="intent" value="confirm" />
            <input type="hidden" name="itemId" value={item.id} />
            <ConfirmButton
              className="btn btn--primary btn--small"
              disabled={busy}
              confirm={{
                title: "确认对单销号？",
                message: `「${item.problem}」将标记为已销号，责任人会收到通知。`,
                confirmLabel: "确认销号",
              }}
            >
              对单销号
            </ConfirmButton>
          </Form>
          <Form
            method="post"
            className="form rect-item__form"
            action={`/orgs/${page.org.id}/rectification#item-${item.id}`}
          >
            <input type="hidden" name="intent" value="return" />
            <input type="hidden" name="itemId" value={item.id} />
            <label className="field">
              <span className="field__label">退回意见</span>
              <textarea
                className="input"
                name="note"
                rows={2}
                maxLength={LIMITS.returnNote}
                defaultValue={result?.intent === "return" ? v.note : undefined}
                aria-describedby={`return-${item.id}`}
              />
              <FieldError
                id={`return-${item.id}`}
                message={result?.intent === "return" ? result.fieldErrors?.note : undefined}
              />
            </label>
            <button type="submit" className="btn btn--small" disabled={busy}>
              退回继续整改
            </button>
          </Form>
        </div>
      ) : null}
    </li>
  );
}

/** Correcting an item not yet closed (whoever may add items); what was typed stays on a refusal. */
function EditForm({
  item,
  page,
  result,
  busy,
}: {
  item: Page["items"][number];
  page: Page;
  result?: Reply;
  busy: boolean;
}) {
  const v = result?.values ?? {};
  const err = result?.fieldErrors ?? {};
  const failed = !!result && !result.ok;
  const val = (name: keyof typeof item, fallback?: string | null) => v[name] ?? fallback ?? "";
  return (
    <details className="rect-edit" open={failed} data-testid="rect-edit">
      <summary className="rect-edit__summary">修改</summary>
      <Form method="post" className="form rect-form" action={`/orgs/${page.org.id}/rectification#item-${item.id}`}>
        <input type="hidden" name="intent" value="edit" />
        <input type="hidden" name="itemId" value={item.id} />
        <ItemFields
          page={page}
          idPrefix={`edit-${item.id}`}
          errors={err}
          values={{
            problem: val("problem", item.problem),
            measures: val("measures", item.measures),
            ownerId: val("ownerId", item.ownerId),
            deadline: val("deadline", item.deadline),
            commitment: val("commitment", item.commitment),
          }}
          // An owner who has left the branch stays selectable until someone else is chosen.
          formerOwner={
            item.ownerId && !page.people.some((p) => p.id === item.ownerId)
              ? { id: item.ownerId, name: item.ownerName ?? "" }
              : null
          }
          minDeadline={null}
        />
        <button type="submit" className="btn btn--small btn--primary" disabled={busy}>
          保存修改
        </button>
      </Form>
    </details>
  );
}

/** The fields of an item, for adding one and for correcting one: what was typed comes back on a refusal. */
function ItemFields({
  page,
  idPrefix,
  values,
  errors,
  formerOwner = null,
  minDeadline = page.today,
}: {
  page: Page;
  idPrefix: string;
  values: Record<"problem" | "measures" | "ownerId" | "deadline" | "commitment", string>;
  errors: Record<string, string | undefined>;
  formerOwner?: { id: string; name: string } | null;
  /** Adding: not before today. Correcting: an overdue item keeps its past deadline if unchanged. */
  minDeadline?: string | null;
}) {
  const id = (name: string) => `${idPrefix}-${name}-error`;
  const text = (name: "problem" | "measures" | "commitment", label: string, rows: number) => (
    <label className="field">
      <span className="field__label">{label}</span>
      <textarea
        className="input"
        name={name}
        rows={rows}
        maxLength={LIMITS[name]}
        defaultValue={values[name]}
        aria-describedby={id(name)}
      />
      <FieldError id={id(name)} message={errors[name]} />
    </label>
  );
  return (
    <>
      {text("problem", "问题", 2)}
      {text("measures", "整改措施", 3)}
      <div className="rect-form__row">
        <label className="field">
          <span className="field__label">责任人</span>
          <select className="select" name="ownerId" defaultValue={values.ownerId} aria-describedby={id("owner")}>
            <option value="">本支部（支委负责）</option>
            {formerOwner ? <option value={formerOwner.id}>{formerOwner.name}</option> : null}
            {page.people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldError id={id("owner")} message={errors.ownerId} />
        </label>
        <label className="field">
          <span className="field__label">完成时限</span>
          <input
            className="input"
            type="date"
            name="deadline"
            min={minDeadline ?? undefined}
            defaultValue={values.deadline}
            aria-describedby={id("deadline")}
          />
          <FieldError id={id("deadline")} message={errors.deadline} />
        </label>
      </div>
      {text("commitment", "整改承诺", 2)}
    </>
  );
}

function Problems({ page, result, busy }: { page: Page; result?: Reply; busy: boolean }) {
  const v = result?.values ?? {};
  return (
    <section className="section" aria-labelledby="problems-heading" id="problems">
      <h2 className="h2" id="problems-heading">
        问题清单
      </h2>
      <p className="muted rect-note">仅支委可见。对照查摆和征求意见中发现的问题记在这里，可一键生成整改事项。</p>
      {page.mayCreate ? (
        <Form method="post" className="form card rect-form" action={`/orgs/${page.org.id}/rectification#problems`}>
          <input type="hidden" name="intent" value="problem" />
          <FormAlert error={result?.formError} ok={result?.ok} />
          <label className="field">
            <span className="field__label">问题</span>
            <textarea
              className="input"
              name="text"
              rows={2}
              maxLength={LIMITS.problem}
              defaultValue={result?.ok ? "" : v.text}
              aria-describedby="ptext-error"
            />
            <FieldError id="ptext-error" message={result?.fieldErrors?.text} />
          </label>
          <div className="rect-form__row">
            <label className="field">
              <span className="field__label">涉及党员（可不选）</span>
              <select className="select" name="personId" defaultValue={result?.ok ? "" : (v.personId ?? "")}>
                <option value="">本支部整体</option>
                {page.people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
              <FieldError id="pperson-error" message={result?.fieldErrors?.personId} />
            </label>
            {page.meetings.length > 0 ? (
              <label className="field">
                <span className="field__label">来自哪次会议（可不选）</span>
                <select className="select" name="meetingId" defaultValue={result?.ok ? "" : (v.meetingId ?? "")}>
                  <option value="">不关联会议</option>
                  {page.meetings.map((m) => (
                    <option key={m.id} value={m.id}>
                      {formatDate(m.startsAt)} {m.title}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
          <button type="submit" className="btn btn--small" disabled={busy}>
            加入问题清单
          </button>
        </Form>
      ) : null}
      {page.problems && page.problems.length > 0 ? (
        <ul className="list rect-problems">
          {page.problems.map((p) => (
            <li key={p.id} className="row" data-testid="problem-item">
              <div className="rect-problem__text">
                <span>{p.text}</span>
                <span className="muted rect-problem__sub">
                  {p.personName ?? "本支部整体"}
                  {p.meetingTitle ? ` · ${p.meetingTitle}` : ""}
                  {p.sourceKind === "opinion" ? " · 来自征求意见" : ""}
                </span>
              </div>
              {p.itemId ? (
                <a href={`#item-${p.itemId}`} className="btn btn--small btn--ghost">
                  已生成整改事项
                </a>
              ) : page.mayCreate ? (
                <Link to={`?from=${p.id}#new`} className="btn btn--small">
                  生成整改事项
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">问题清单还是空的。</p>
      )}
    </section>
  );
}

function Settings({ page, result, busy }: { page: Page; result?: Reply; busy: boolean }) {
  return (
    <section className="section" aria-labelledby="scope-heading">
      <h2 className="h2" id="scope-heading">
        公开范围与提醒
      </h2>
      <Form method="post" className="form card rect-form" action={`/orgs/${page.org.id}/rectification`}>
        <input type="hidden" name="intent" value="settings" />
        <FormAlert error={result?.formError} ok={result?.ok} />
        <fieldset className="rect-scope">
          <legend className="field__label">谁可以查看本支部的整改清单</legend>
          {(["branch", "committee"] as const).map((s) => (
            <label key={s} className="rect-scope__choice">
              <input type="radio" name="scope" value={s} defaultChecked={page.settings.scope === s} />
              <span>{SCOPE_LABEL[s]}</span>
            </label>
          ))}
          <span className="field__hint">责任人、支委和上级党组织始终可以查看。</span>
        </fieldset>
        <label className="field">
          <span className="field__label">提前几天提醒责任人</span>
          <input
            className="input input--short"
            type="number"
            name="remindDays"
            min={REMIND_DAYS.min}
            max={REMIND_DAYS.max}
            defaultValue={page.settings.remindDays}
            aria-describedby="remind-error"
          />
          <FieldError id="remind-error" message={result?.fieldErrors?.remindDays} />
        </label>
        <button type="submit" className="btn btn--small" disabled={busy}>
          保存
        </button>
      </Form>
    </section>
  );
}

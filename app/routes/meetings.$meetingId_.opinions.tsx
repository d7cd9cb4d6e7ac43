import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import {
  opinionsPage,
  passOpinion,
  requireOpinionsPage,
  sendOpinion,
  sortOpinion,
  type OpinionView,
} from "../../server/services/life/opinions";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import {
  OPINION_ABOUT,
  OPINION_ABOUT_LABEL,
  OPINION_MAX,
  OpinionActionSchema,
  type OpinionAbout,
} from "../../shared/schemas/opinions";
import { AppShell } from "../components/app-shell";
import { ClockIcon, FlagIcon } from "../components/icons";
import { MeetingHead } from "../components/meeting-head";
import { Crumbs, FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { invalid, loaded, refused, type FormErrors } from "../lib/form-errors.server";
import { formatDate, formatRange } from "../lib/format";
import styles from "../styles/opinions.css?url";

// 征求意见 before a 组织生活会 (docs/decisions/032), phone first: a member sends an opinion to the
// 支委会, about it, or about a named member, and sees what they sent; the person concerned sees
// what was passed to them (never who wrote it); the 支委 see every opinion with its sender (each
// view is audited) and the managers sort it into the 问题清单, pass it on, or make an 整改事项.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `征求意见 · ${data.page.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const page = await loaded(opinionsPage(context.services.sql, actor, params.meetingId ?? ""));
  return { userName: user.displayName, page };
}

type Values = Record<string, string>;
type Reply = FormErrors & { ok?: string; opinionId?: string; values?: Values };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  // Another branch, or the level above without a grant: 404 whatever was posted.
  await loaded(requireOpinionsPage(sql, actor.subject, meetingId));
  const form = await request.formData();
  const values = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Values;
  const parsed = OpinionActionSchema.safeParse(values);
  if (!parsed.success) {
    const bad = invalid(parsed.error, values.intent);
    return data<Reply>({ ...bad.data, opinionId: values.opinionId, values }, { status: 400 });
  }
  const a = parsed.data;
  try {
    switch (a.intent) {
      case "send":
        await sendOpinion(sql, actor, meetingId, a);
        return { intent: a.intent, ok: "意见已提交。只有支委能看到提出人，其他党员看不到是谁提的。" } satisfies Reply;
      case "masses":
        await sendOpinion(sql, actor, meetingId, a, { fromMasses: true });
        return { intent: a.intent, ok: "群众意见已录入。" } satisfies Reply;
      case "sort":
        await sortOpinion(sql, actor, a.opinionId, a.text);
        return { intent: a.intent, opinionId: a.opinionId, ok: "已归入本支部问题清单。" } satisfies Reply;
      case "pass":
        await passOpinion(sql, actor, a.opinionId);
        return { intent: a.intent, opinionId: a.opinionId, ok: "已转给本人（不含提出人姓名）。" } satisfies Reply;
    }
  } catch (e) {
    const r = refused(e, a.intent);
    return data<Reply>(
      { ...r.data, opinionId: "opinionId" in a ? a.opinionId : undefined, values },
      { status: r.init?.status ?? 400 },
    );
  }
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>["page"];
type View = Page["mine"][number];

const aboutLine = (o: Pick<OpinionView, "about" | "aboutName">) =>
  o.about === "person" ? `对${o.aboutName ?? "党员"}的意见` : OPINION_ABOUT_LABEL[o.about];

export default function Opinions() {
  const { userName, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Reply | undefined;
  const busy = useNavigation().state === "submitting";
  const m = page.meeting;
  const mine = (intent: string) => (result?.intent === intent ? result : undefined);
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${m.id}`, label: "会议" }} trail={[MEETING_KIND_LABEL[m.kind as MeetingKind]]} />
      <MeetingHead
        tags={
          <span className={page.open ? "tag tag--green" : "tag tag--muted"} data-testid="opinions-state">
            {page.open ? "正在征求意见" : "征求意见已截止"}
          </span>
        }
        eyebrow="征求意见"
        title={m.title}
        facts={[
          { icon: ClockIcon, label: "会议时间", value: formatRange(m.startsAt, m.endsAt) },
          { icon: FlagIcon, label: "组织", value: m.orgName },
        ]}
      />

      <div className="stats op-stats" data-testid="opinion-counts">
        <div className="stat">
          <span className="stat__value">{page.counts.received}</span>
          <span className="stat__label">收到意见</span>
        </div>
        <div className="stat">
          <span className="stat__value">{page.counts.sorted}</span>
          <span className="stat__label">归入问题清单</span>
        </div>
        <div className="stat">
          <span className="stat__value">{page.counts.passed}</span>
          <span className="stat__label">转给本人</span>
        </div>
      </div>

      {page.toMe.length > 0 ? (
        <section className="section" id="passed" aria-labelledby="passed-heading">
          <h2 className="h2" id="passed-heading">
            转给你的意见
          </h2>
          <p className="muted op-note">支委会转来的关于你的意见，不显示提出人。请在对照检查材料中回应。</p>
          <ul className="op-list" data-testid="passed-to-me">
            {page.toMe.map((o) => (
              <li key={o.id} className="card op-item">
                <p className="op-item__text">{o.text}</p>
                <p className="muted op-item__meta">{o.passedAt ? `转来于 ${formatDate(o.passedAt)}` : null}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {page.maySend || (mine("send") && !mine("send")?.ok) ? (
        <SendForm page={page} intent="send" result={mine("send")} busy={busy} />
      ) : page.access !== "above" ? (
        <p className="card section muted" data-testid="opinions-closed">
          {page.open ? "你不能在这里提意见。" : "会议已经结束，征求意见已截止。"}
        </p>
      ) : null}

      {page.mine.length > 0 ? (
        <section className="section" aria-labelledby="mine-heading">
          <h2 className="h2" id="mine-heading">
            我提的意见
          </h2>
          <ul className="op-list" data-testid="my-opinions">
            {page.mine.map((o) => (
              <li key={o.id} className="card op-item">
                <p className="op-item__about">{aboutLine(o)}</p>
                <p className="op-item__text">{o.text}</p>
                <p className="muted op-item__meta">
                  {o.createdAt ? `提交于 ${formatDate(o.createdAt)}` : null}
                  {o.sorted ? " · 已归入问题清单" : ""}
                  {o.passedAt ? " · 已转给本人" : ""}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {page.all ? <AllOpinions page={page} result={result} busy={busy} /> : null}

      {page.mayHandle && page.open ? (
        <details className="card op-masses" id="masses" open={!!mine("masses") && !mine("masses")?.ok}>
          <summary className="op-masses__summary">录入群众意见</summary>
          <p className="muted op-note">线下向群众征求到的意见，由你录入，标为“群众意见”，不关联任何账号。</p>
          <SendForm page={page} intent="masses" result={mine("masses")} busy={busy} bare />
        </details>
      ) : null}
    </AppShell>
  );
}

function SendForm({
  page,
  intent,
  result,
  busy,
  bare = false,
}: {
  page: Page;
  intent: "send" | "masses";
  result?: Reply;
  busy: boolean;
  bare?: boolean;
}) {
  const v = result?.ok ? {} : (result?.values ?? {});
  const err = result?.fieldErrors ?? {};
  const [about, setAbout] = useState<OpinionAbout>((v.about as OpinionAbout) || "general");
  const id = (name: string) => `${intent}-${name}`;
  const ref = useRef<HTMLFormElement>(null);
  // After a success the text typed goes away; after a refusal it stays (values come back).
  useEffect(() => {
    if (result?.ok) {
      ref.current?.reset();
      setAbout("general");
    }
  }, [result]);
  const form = (
    <Form
      method="post"
      className="form op-form"
      action={`/meetings/${page.meeting.id}/opinions${intent === "masses" ? "#masses" : ""}`}
      ref={ref}
    >
      <input type="hidden" name="intent" value={intent} />
      <FormAlert error={result?.formError} ok={result?.ok} />
      <fieldset className="op-about">
        <legend className="field__label">意见针对</legend>
        {OPINION_ABOUT.map((a) => (
          <label key={a} className="op-about__choice">
            <input
              type="radio"
              name="about"
              value={a}
              checked={about === a}
              onChange={() => setAbout(a)}
              data-testid={`${intent}-about-${a}`}
            />
            <span>{OPINION_ABOUT_LABEL[a]}</span>
          </label>
        ))}
      </fieldset>
      {about === "person" ? (
        <label className="field">
          <span className="field__label">哪位党员</span>
          <select
            className="select"
            name="aboutPersonId"
            defaultValue={v.aboutPersonId ?? ""}
            aria-describedby={id("person-error")}
            data-testid={`${intent}-person`}
          >
            <option value="">请选择</option>
            {page.people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldError id={id("person-error")} message={err.aboutPersonId} />
        </label>
      ) : null}
      <label className="field">
        <span className="field__label">意见内容</span>
        <textarea
          className="input"
          name="text"
          rows={5}
          maxLength={OPINION_MAX}
          defaultValue={v.text ?? ""}
          placeholder="具体写出问题和建议，如：学习计划执行不够，建议……"
          aria-describedby={id("text-error")}
          data-testid={`${intent}-text`}
        />
        <span className="field__hint">最多 {OPINION_MAX} 字。</span>
        <FieldError id={id("text-error")} message={err.text} />
      </label>
      <button className="btn btn--primary op-form__submit" type="submit" disabled={busy}>
        {intent === "masses" ? "录入意见" : "提交意见"}
      </button>
    </Form>
  );
  if (bare) return form;
  return (
    <section className="card section op-send" aria-labelledby="send-heading">
      <h2 className="h3" id="send-heading">
        提意见
      </h2>
      <p className="muted op-note">只有支委能看到是谁提的意见；被提意见的党员只会看到支委会转给他的意见内容。</p>
      {form}
    </section>
  );
}

function AllOpinions({ page, result, busy }: { page: Page; result?: Reply; busy: boolean }) {
  const all = page.all ?? [];
  const [params] = useSearchParams();
  const filter = params.get("about") ?? "";
  const people = [...new Map(all.filter((o) => o.aboutPersonId).map((o) => [o.aboutPersonId, o.aboutName])).entries()];
  const shown = all.filter((o) =>
    !filter ? true : filter === "general" || filter === "committee" ? o.about === filter : o.aboutPersonId === filter,
  );
  const committee = page.access === "manage" || page.access === "committee";
  return (
    <section className="section" aria-labelledby="all-heading">
      <div className="op-all__head">
        <h2 className="h2" id="all-heading">
          {committee ? "收到的意见" : "征求到的意见"}
        </h2>
        <Form method="get" className="op-filter">
          <label className="sr-only" htmlFor="op-filter">
            按意见针对筛选
          </label>
          <select id="op-filter" className="select" name="about" defaultValue={filter} data-testid="about-filter">
            <option value="">全部意见</option>
            <option value="general">{OPINION_ABOUT_LABEL.general}</option>
            <option value="committee">{OPINION_ABOUT_LABEL.committee}</option>
            {people.map(([id, name]) => (
              <option key={id} value={id ?? ""}>
                {`对${name ?? "党员"}的意见`}
              </option>
            ))}
          </select>
          <button className="btn btn--small" type="submit">
            筛选
          </button>
        </Form>
      </div>
      <p className="muted op-note">
        {committee
          ? "提出人只对支委可见，请勿外传。你每次查看都会记入审计日志。"
          : "上级党组织经批准查阅，不显示提出人；查阅记入审计日志。"}
      </p>
      {shown.length === 0 ? (
        <p className="muted">{all.length === 0 ? "还没有收到意见。" : "没有符合筛选的意见。"}</p>
      ) : (
        <ul className="op-list" data-testid="all-opinions">
          {shown.map((o) => (
            <OpinionCard
              key={o.id}
              o={o}
              page={page}
              result={result?.opinionId === o.id ? result : undefined}
              busy={busy}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function OpinionCard({ o, page, result, busy }: { o: View; page: Page; result?: Reply; busy: boolean }) {
  const manage = o.access === "manage";
  const sortFailed = result?.intent === "sort" && !result.ok;
  return (
    <li className="card op-item" id={`opinion-${o.id}`} data-testid="opinion">
      <div className="op-item__head">
        <span className="op-item__about">{aboutLine(o)}</span>
        {o.sorted ? <span className="tag tag--green">已归入问题清单</span> : null}
        {o.passedAt ? <span className="tag tag--blue">已转给本人</span> : null}
      </div>
      <p className="op-item__text">{o.text}</p>
      <p className="muted op-item__meta" data-testid="opinion-sender">
        {"senderName" in o
          ? o.fromMasses
            ? "群众意见（书记录入）"
            : `提出人：${o.senderName ?? "—"}`
          : o.fromMasses
            ? "群众意见"
            : null}
        {o.createdAt ? ` · ${formatDate(o.createdAt)}` : ""}
      </p>
      {result ? <FormAlert error={result.formError ?? result.fieldErrors?.text} ok={result.ok} /> : null}
      {manage ? (
        <div className="op-item__actions">
          {!o.sorted && page.mayList ? (
            <details className="op-sort" open={sortFailed}>
              <summary className="btn btn--small">归入问题清单</summary>
              <Form method="post" className="form op-sort__form">
                <input type="hidden" name="intent" value="sort" />
                <input type="hidden" name="opinionId" value={o.id} />
                <label className="field">
                  <span className="field__label">问题（可改写，不写提出人）</span>
                  <textarea
                    className="input"
                    name="text"
                    rows={3}
                    maxLength={OPINION_MAX}
                    defaultValue={sortFailed ? (result?.values?.text ?? o.text) : o.text}
                  />
                </label>
                <button className="btn btn--primary btn--small" type="submit" disabled={busy}>
                  加入问题清单
                </button>
              </Form>
            </details>
          ) : null}
          {o.about === "person" && !o.passedAt ? (
            <Form method="post">
              <input type="hidden" name="intent" value="pass" />
              <input type="hidden" name="opinionId" value={o.id} />
              <button className="btn btn--small" type="submit" disabled={busy}>
                转给本人
              </button>
            </Form>
          ) : null}
          {page.mayList ? (
            o.itemId ? (
              <Link
                className="btn btn--small btn--ghost"
                to={`/orgs/${page.meeting.orgId}/rectification#item-${o.itemId}`}
              >
                已生成整改事项
              </Link>
            ) : (
              <Link className="btn btn--small" to={`/orgs/${page.meeting.orgId}/rectification?opinion=${o.id}#new`}>
                生成整改事项
              </Link>
            )
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

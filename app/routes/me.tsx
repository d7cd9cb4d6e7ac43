import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { changePassword, countOtherSessions, signOutOtherDevices } from "../../server/services/people/account";
import {
  createFeedToken,
  feedCreatedAt,
  feedPath,
  hasFeed,
  revokeFeed,
} from "../../server/services/calendar/calendar-feed";
import { getMemberFor } from "../../server/services/people/members";
import { myReviewOutcomes } from "../../server/services/life/review-outcomes";
import { GRADE_LABEL } from "../../shared/domain/review";
import { formatDate } from "../lib/format";
import { CATEGORY_LABEL, ROLE_LABEL } from "../../shared/domain/labels";
import { PasswordSchema } from "../../shared/domain/people";
import { AppShell } from "../components/app-shell";
import { CalendarFeedSection } from "../components/calendar-feed";
import { ChevronRightIcon, LogoutIcon } from "../components/icons";
import { CategoryTag, FieldError, FormAlert } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { invalid, refused, type FormErrors } from "../lib/form-errors.server";

export const meta: MetaFunction = () => [{ title: "我的 · 同心" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const me = await getMemberFor(sql, actor.subject, user.id);
  return {
    userName: user.displayName,
    username: me!.person.username,
    category: me!.person.category,
    memberships: me!.memberships.filter((m) => m.active),
    otherSessions: await countOtherSessions(sql, user.id, context.session!.id),
    calendarFeedSince: await feedCreatedAt(sql, user.id),
    outcomes: await myReviewOutcomes(sql, actor.subject),
  };
}

const PasswordForm = z
  .object({
    intent: z.literal("password"),
    current: z.string({ error: "请输入当前密码" }).min(1, "请输入当前密码"),
    next: PasswordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "两次输入的新密码不一致" });

type Result = FormErrors & { ok?: string; feedUrl?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const { user } = await requireActor(context, request);
  const { sql, auth, live } = context.services;
  const session = context.session!;
  const form = Object.fromEntries(await request.formData());
  try {
    if (form.intent === "sessions") {
      const n = await signOutOtherDevices(sql, auth, {
        userId: user.id,
        sessionId: session.id,
        address: context.clientAddress,
      });
      live.sessionsEnded(user.id, session.id);
      return { ok: n > 0 ? `已退出其他 ${n} 台设备。` : "没有其他设备登录。", intent: "sessions" } satisfies Result;
    }
    if (form.intent === "feed-create") {
      // Shown once: only the token's hash is stored. Built from the address the person used.
      const replaced = await hasFeed(sql, user.id);
      const feedUrl = new URL(feedPath(await createFeedToken(sql, user.id)), new URL(request.url).origin).href;
      const ok = replaced ? "已生成新的订阅链接，旧链接已失效。" : "订阅链接已生成。";
      return { ok, intent: "feed-create", feedUrl } satisfies Result;
    }
    if (form.intent === "feed-revoke") {
      await revokeFeed(sql, user.id);
      return { ok: "已停止日历订阅，原链接已失效。", intent: "feed-revoke" } satisfies Result;
    }
    const parsed = PasswordForm.safeParse(form);
    if (!parsed.success) return invalid(parsed.error, "password");
    await changePassword(sql, auth, {
      userId: user.id,
      sessionId: session.id,
      current: parsed.data.current,
      next: parsed.data.next,
      address: context.clientAddress,
    });
    live.sessionsEnded(user.id, session.id);
    return {
      ok: "密码已修改，其他设备已退出登录；日历订阅链接也已停用，需要时请重新生成。",
      intent: "password",
    } satisfies Result;
  } catch (e) {
    return refused(e, String(form.intent ?? ""));
  }
}

export default function Me() {
  const { userName, username, category, memberships, otherSessions, calendarFeedSince, outcomes } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const e = result?.intent === "password" ? (result.fieldErrors ?? {}) : {};
  return (
    <AppShell userName={userName}>
      <section className="page-head">
        <p className="eyebrow">我的</p>
        <h1 className="h1">{userName}</h1>
        <p className="page-head__meta">
          <CategoryTag category={category} />
          <span>登录名 {username}</span>
        </p>
      </section>
      <section className="section" aria-labelledby="orgs-heading">
        <h2 className="h3" id="orgs-heading">
          所在组织
        </h2>
        {memberships.length === 0 ? <p className="muted">目前没有组织关系。</p> : null}
        <ul className="list" hidden={memberships.length === 0}>
          {memberships.map((m) => (
            <li key={m.id}>
              <Link to={`/orgs/${m.orgId}`} className="row">
                <div className="row__main">
                  <span className="row__title">{m.orgName}</span>
                  <span className="row__sub">
                    {ROLE_LABEL[m.role]}
                    {m.mobile ? " · 流动党员" : ""} · {CATEGORY_LABEL[category]}
                  </span>
                </div>
                <ChevronRightIcon size={18} className="row__end" />
              </Link>
            </li>
          ))}
        </ul>
      </section>

      {outcomes.length > 0 ? (
        <section className="section" aria-labelledby="outcomes-heading" data-testid="my-review-outcomes">
          <h2 className="h3" id="outcomes-heading">
            民主评议评定意见
          </h2>
          <p className="muted">支委会对你的评定等次和评定意见，只有你本人、支委和上级党组织能看到。</p>
          {outcomes.map((o) => (
            <article key={o.meetingId} className="card my-outcome">
              <p className="row__sub">
                <Link to={`/meetings/${o.meetingId}/review`}>{o.title}</Link> · {formatDate(o.startsAt)}
              </p>
              <p>
                评定等次：<strong data-grade={o.grade}>{GRADE_LABEL[o.grade]}</strong>
              </p>
              <p className="my-outcome__text">{o.opinion}</p>
              <p className="muted">记录于 {formatDate(o.decidedAt)}</p>
            </article>
          ))}
        </section>
      ) : null}

      <section className="card section" aria-labelledby="pw-heading">
        <h2 className="h3" id="pw-heading">
          修改密码
        </h2>
        {result?.intent === "password" ? <FormAlert error={result.formError} ok={result.ok} /> : null}
        <Form method="post" className="form form--narrow" noValidate>
          <input type="hidden" name="intent" value="password" />
          <label className="field">
            <span className="field__label">当前密码</span>
            <input
              className="input"
              type="password"
              name="current"
              autoComplete="current-password"
              aria-invalid={e.current ? true : undefined}
            />
            <FieldError id="current-error" message={e.current} />
          </label>
          <label className="field">
            <span className="field__label">新密码</span>
            <input
              className="input"
              type="password"
              name="next"
              autoComplete="new-password"
              aria-invalid={e.next ? true : undefined}
            />
            <FieldError id="next-error" message={e.next} />
            <span className="field__hint">至少 8 位，不能全是数字。</span>
          </label>
          <label className="field">
            <span className="field__label">再次输入新密码</span>
            <input
              className="input"
              type="password"
              name="confirm"
              autoComplete="new-password"
              aria-invalid={e.confirm ? true : undefined}
            />
            <FieldError id="confirm-error" message={e.confirm} />
          </label>
          <button className="btn btn--primary" type="submit" disabled={busy}>
            修改密码
          </button>
        </Form>
      </section>

      <section className="card section" aria-labelledby="dev-heading">
        <h2 className="h3" id="dev-heading">
          登录设备
        </h2>
        {result?.intent === "sessions" ? <FormAlert error={result.formError} ok={result.ok} /> : null}
        <p className="muted">
          {otherSessions > 0 ? `除本机外，还有 ${otherSessions} 台设备处于登录状态。` : "目前只有本机登录。"}
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="sessions" />
          <button className="btn" type="submit" disabled={busy || otherSessions === 0}>
            <LogoutIcon size={16} /> 退出其他设备
          </button>
        </Form>
      </section>

      <CalendarFeedSection createdAt={calendarFeedSince} result={result} busy={busy} />
    </AppShell>
  );
}

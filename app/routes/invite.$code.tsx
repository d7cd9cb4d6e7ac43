import {
  type LinksFunction,
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { acceptInvitation, findInvitation } from "../../server/services/people/invitations";
import { DomainError } from "../../server/services/errors";
import { PasswordSchema } from "../../shared/domain/people";
import { Logo } from "../components/logo";
import { FieldError } from "../components/people";
import authCss from "../styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];

export const meta: MetaFunction = () => [{ title: "设置密码 · 同心" }];

export async function loader({ context, params }: LoaderFunctionArgs) {
  const inv = await findInvitation(context.services.sql, params.code ?? "");
  // A used, expired or unknown code: say so plainly (410), never whose it was.
  if (!inv) return data({ invitation: null }, { status: 410 });
  return { invitation: { displayName: inv.displayName, username: inv.username, orgNames: inv.orgNames } };
}

const Schema = z
  .object({ password: PasswordSchema, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "两次输入的密码不一致" });

type Result = { formError?: string; fieldErrors?: Record<string, string> };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { sql, auth } = context.services;
  const form = Object.fromEntries(await request.formData());
  const parsed = Schema.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of parsed.error.issues) fieldErrors[String(i.path[0])] ??= i.message;
    return data<Result>({ fieldErrors }, { status: 400 });
  }
  try {
    const userId = await acceptInvitation(sql, {
      code: params.code ?? "",
      password: parsed.data.password,
      address: context.clientAddress,
    });
    // A code also resets a forgotten password: whoever held the old one loses their live documents too.
    context.services.live.sessionsEnded(userId, null);
    const session = await auth.createSession(userId, {});
    throw redirect("/?welcome=1", { headers: { "Set-Cookie": auth.createSessionCookie(session.id).serialize() } });
  } catch (e) {
    if (e instanceof DomainError) return data<Result>({ formError: e.message }, { status: e.status });
    throw e;
  }
}

export default function Invite() {
  const { invitation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const e = result?.fieldErrors ?? {};
  return (
    <main className="login login--anchored">
      <section className="login__brand">
        <Logo size={48} onRed />
        <h1 className="login__title">同心</h1>
        <p className="login__tagline">{invitation ? `欢迎你，${invitation.displayName}` : "邀请码不可用"}</p>
      </section>
      <section className="card login__card">
        {!invitation ? (
          <>
            <h2 className="h3">这个邀请码无法使用</h2>
            <p className="muted">它可能已被使用、已过期或已重新生成。请联系支部书记或组织委员重新获取。</p>
            <Link to="/invite" className="btn btn--primary btn--block">
              重新输入邀请码
            </Link>
            <Link to="/login" className="btn btn--ghost btn--block">
              已有密码，去登录
            </Link>
          </>
        ) : (
          <>
            <h2 className="h3">设置登录密码</h2>
            <p className="muted small">
              {invitation.orgNames.join("、")} · 登录名 <strong>{invitation.username}</strong>
            </p>
            <Form method="post" className="form" noValidate>
              {result?.formError ? (
                <p className="alert alert--error" role="alert">
                  {result.formError}
                </p>
              ) : null}
              <input type="hidden" name="username" autoComplete="username" value={invitation.username} />
              <label className="field">
                <span className="field__label">密码</span>
                <input
                  className="input"
                  type="password"
                  name="password"
                  autoComplete="new-password"
                  aria-invalid={e.password ? true : undefined}
                  autoFocus
                />
                <FieldError id="password-error" message={e.password} />
                <span className="field__hint">至少 8 位，不能全是数字。</span>
              </label>
              <label className="field">
                <span className="field__label">再次输入密码</span>
                <input
                  className="input"
                  type="password"
                  name="confirm"
                  autoComplete="new-password"
                  aria-invalid={e.confirm ? true : undefined}
                />
                <FieldError id="confirm-error" message={e.confirm} />
              </label>
              <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
                {busy ? "正在设置…" : "设置密码并登录"}
              </button>
            </Form>
          </>
        )}
      </section>
    </main>
  );
}

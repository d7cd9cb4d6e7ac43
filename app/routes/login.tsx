import {
  type LinksFunction,
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { signIn } from "../../server/auth/signin";
import { LoginSchema, safeRedirect } from "../../shared/schemas/auth";
import { Logo } from "../components/logo";
import authCss from "../styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];

export const meta: MetaFunction = () => [{ title: "登录 · 同心" }];

// A throttled attempt says when to come back (Retry-After) on the page's own response too.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

type ActionData = {
  formError?: string;
  fieldErrors?: Partial<Record<"username" | "password", string>>;
  username?: string;
};

export async function action({ context, request }: ActionFunctionArgs) {
  const form = Object.fromEntries(await request.formData());
  const parsed = LoginSchema.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: ActionData["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if ((key === "username" || key === "password") && !fieldErrors[key]) fieldErrors[key] = issue.message;
    }
    return data<ActionData>({ fieldErrors, username: String(form.username ?? "") }, { status: 400 });
  }
  const { sql, auth, throttle } = context.services;
  const result = await signIn(sql, auth, throttle, {
    ...parsed.data,
    address: context.clientAddress,
    cookieHeader: request.headers.get("cookie"),
  });
  if (!result.ok) {
    const headers = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined;
    return data<ActionData>(
      { formError: result.message, username: parsed.data.username },
      { status: result.status, headers },
    );
  }
  const headers = new Headers();
  for (const c of result.cookies) headers.append("Set-Cookie", c);
  throw redirect(safeRedirect(parsed.data.redirectTo), { headers });
}

export default function Login() {
  const result = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="login">
      <section className="login__brand">
        <Logo size={48} onRed />
        <h1 className="login__title">同心</h1>
        <p className="login__tagline">
          三会一课 · 主题党日 · 组织生活会
          <br />
          会上记录，一次成稿
        </p>
      </section>
      <section className="card login__card">
        <h2 className="h3">账号登录</h2>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
          {result?.formError ? (
            <p className="alert alert--error" role="alert">
              {result.formError}
            </p>
          ) : null}
          <label className="field">
            <span className="field__label">登录名</span>
            <input
              className="input"
              name="username"
              autoComplete="username"
              inputMode="text"
              placeholder="手机号或工号"
              defaultValue={result?.username}
              aria-invalid={result?.fieldErrors?.username ? true : undefined}
              aria-describedby={result?.fieldErrors?.username ? "username-error" : undefined}
              autoFocus
            />
            {result?.fieldErrors?.username ? (
              <span className="field__error" id="username-error">
                {result.fieldErrors.username}
              </span>
            ) : null}
          </label>
          <label className="field">
            <span className="field__label">密码</span>
            <input
              className="input"
              name="password"
              type="password"
              autoComplete="current-password"
              aria-invalid={result?.fieldErrors?.password ? true : undefined}
              aria-describedby={result?.fieldErrors?.password ? "password-error" : undefined}
            />
            {result?.fieldErrors?.password ? (
              <span className="field__error" id="password-error">
                {result.fieldErrors.password}
              </span>
            ) : null}
          </label>
          <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
            {busy ? "正在登录…" : "登录"}
          </button>
        </Form>
        <p className="login__hint muted">
          首次使用？请<a href="/invite">输入邀请码</a>，或打开支部发给你的邀请链接。
        </p>
      </section>
    </main>
  );
}

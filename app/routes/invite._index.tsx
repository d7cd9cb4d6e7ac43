import { type LinksFunction, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useSearchParams } from "@remix-run/react";
import { normalizeCode } from "../../server/services/people/invitations";
import { Logo } from "../components/logo";
import authCss from "../styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];

export const meta: MetaFunction = () => [{ title: "使用邀请码 · 同心" }];

// A member who got the code by text message types it here; a well-formed code goes on to
// the page that sets the password. The form is GET so it works without JavaScript.
export async function loader({ request }: LoaderFunctionArgs) {
  const raw = new URL(request.url).searchParams.get("code");
  if (raw === null) return null;
  const code = normalizeCode(raw);
  if (code) throw redirect(`/invite/${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);
  return null;
}

export default function InviteEntry() {
  const [params] = useSearchParams();
  const bad = params.get("code") !== null;
  return (
    <main className="login login--anchored">
      <section className="login__brand">
        <Logo size={48} onRed />
        <h1 className="login__title">同心</h1>
        <p className="login__tagline">首次登录：使用支部发给你的邀请码</p>
      </section>
      <section className="card login__card">
        <h2 className="h3">输入邀请码</h2>
        <Form method="get" className="form">
          {bad ? (
            <p className="alert alert--error" role="alert">
              邀请码格式不正确：应为 12 位字母和数字，如 7K3M-Q9TX-4HRB。
            </p>
          ) : null}
          <label className="field">
            <span className="field__label">邀请码</span>
            <input
              className="input"
              name="code"
              autoComplete="one-time-code"
              autoCapitalize="characters"
              placeholder="XXXX-XXXX-XXXX"
              defaultValue={params.get("code") ?? ""}
              autoFocus
            />
          </label>
          <button className="btn btn--primary btn--block" type="submit">
            下一步
          </button>
        </Form>
        <p className="login__hint">
          已经设置过密码？<a href="/login">直接登录</a>
        </p>
      </section>
    </main>
  );
}

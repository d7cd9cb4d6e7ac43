import { Form, Link } from "@remix-run/react";
import { LogoutIcon } from "./icons";
import { Logo } from "./logo";

// The frame of every signed-in page: a top bar with the product, the member and sign-out.
export function AppShell({ userName, children }: { userName: string; children: React.ReactNode }) {
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/" className="topbar__brand" aria-label="同心 首页">
            <Logo size={28} />
            <span className="topbar__wordmark">同心</span>
          </Link>
          <div className="topbar__user">
            <span className="avatar" aria-hidden="true">
              {userName.slice(-2)}
            </span>
            <span className="topbar__name">{userName}</span>
            <Form method="post" action="/logout">
              <button className="btn btn--ghost btn--small topbar__signout" type="submit">
                <LogoutIcon size={16} />
                退出
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}

// A bare frame for pages shown without a member (errors): the brand only.
export function PlainShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/" className="topbar__brand" aria-label="同心 首页">
            <Logo size={28} />
            <span className="topbar__wordmark">同心</span>
          </Link>
        </div>
      </header>
      <main className="page page--narrow">{children}</main>
    </div>
  );
}

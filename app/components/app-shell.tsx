import { Form, Link } from "@remix-run/react";
import { LogoutIcon } from "./icons";
import { Logo } from "./logo";

// The frame of every page: a top bar with the product and, when someone is signed in, the
// member and sign-out. Error pages pass no userName and get the brand only.
export function AppShell({
  userName,
  narrow = false,
  children,
}: {
  userName?: string;
  narrow?: boolean;
  children: React.ReactNode;
}) {
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/" className="topbar__brand" aria-label="同心 首页">
            <Logo size={28} />
            <span className="topbar__wordmark">同心</span>
          </Link>
          {userName ? (
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
          ) : null}
        </div>
      </header>
      <main className={narrow ? "page page--narrow" : "page"}>{children}</main>
    </div>
  );
}

import { Form, Link } from "@remix-run/react";
import { Logo } from "./logo";

// The frame of every signed-in page: a top bar with the product, the member and sign-out.
export function AppShell({ userName, children }: { userName: string; children: React.ReactNode }) {
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="topbar__brand">
          <Logo size={28} />
          <span>同心</span>
        </Link>
        <div className="topbar__user">
          <span className="avatar" aria-hidden="true">
            {userName.slice(-2)}
          </span>
          <span className="topbar__name">{userName}</span>
          <Form method="post" action="/logout">
            <button className="btn btn--ghost btn--small" type="submit">
              退出
            </button>
          </Form>
        </div>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}

import { Form, Link, NavLink, useRouteLoaderData } from "@remix-run/react";
import { BellIcon, CalendarIcon, HomeIcon, LogoutIcon, UserIcon, UsersIcon } from "./icons";
import { Logo } from "./logo";

const NAV = [
  { to: "/", label: "首页", icon: HomeIcon, end: true },
  { to: "/calendar", label: "日历", icon: CalendarIcon, end: false },
  { to: "/orgs", label: "组织", icon: UsersIcon, end: false },
  { to: "/me", label: "我的", icon: UserIcon, end: false },
];

// The frame of every page: a top bar with the product and, when someone is signed in, the
// member, sign-out and the main sections (a bottom tab bar on phones). Error pages pass no
// userName and get the brand only.
export function AppShell({
  userName,
  narrow = false,
  wide = false,
  children,
}: {
  userName?: string;
  narrow?: boolean;
  /** Wider page for side-by-side layouts (the live session on a desktop or projector). */
  wide?: boolean;
  children: React.ReactNode;
}) {
  return (
    <div className={userName ? "shell shell--nav" : "shell"}>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/" className="topbar__brand" aria-label="同心 首页">
            <Logo size={28} />
            <span className="topbar__wordmark">同心</span>
          </Link>
          {userName ? (
            <>
              <nav className="mainnav" aria-label="主导航">
                {NAV.map(({ to, label, icon: Icon, end }) => (
                  <NavLink key={to} to={to} end={end} className="mainnav__link">
                    <Icon size={20} />
                    <span>{label}</span>
                  </NavLink>
                ))}
              </nav>
              <div className="topbar__user">
                <Bell />
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
            </>
          ) : null}
        </div>
      </header>
      <main className={narrow ? "page page--narrow" : wide ? "page page--wide" : "page"}>{children}</main>
    </div>
  );
}

/** The bell with the unread count from the root loader (absent on error pages). */
function Bell() {
  const root = useRouteLoaderData<{ unread: number }>("root");
  const unread = root?.unread ?? 0;
  return (
    <Link
      to="/notifications"
      className="bell"
      aria-label={unread > 0 ? `通知，${unread} 条未读` : "通知"}
      data-testid="bell"
    >
      <BellIcon size={20} />
      {unread > 0 ? <span className="bell__count">{unread > 99 ? "99+" : unread}</span> : null}
    </Link>
  );
}

import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { unreadCount } from "../server/services/notifications";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useRouteError,
  Link,
} from "@remix-run/react";
import { AppShell } from "./components/app-shell";
import { COLOR } from "./lib/tokens";
import { useNonce } from "./nonce";
import styles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "同心 · 支部组织生活" }];

// The unread-notification count for the bell in the top bar, on every page a member sees.
export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.user) return { unread: 0 };
  return { unread: await unreadCount(context.services.sql, context.user.id) };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content={COLOR.primary} />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // A route's own message is in Chinese; what the framework says itself ("No route matches URL",
  // "Method Not Allowed") is English and never shown.
  const own = isRouteErrorResponse(error) && typeof error.data === "string" && /[\u4e00-\u9fff]/.test(error.data);
  const message = own
    ? (error.data as string)
    : status === 404
      ? "没有找到这个页面，或你没有查看它的权限。"
      : status === 405
        ? "页面只能打开或提交表单。"
        : status < 500
          ? "请求没有完成，请检查后再试。"
          : "页面出了点问题，请刷新后再试。";
  return (
    <AppShell narrow>
      <div className="card error-card">
        <p className="error-card__code" aria-hidden="true">
          {status}
        </p>
        <h1 className="h2">{status === 404 ? "页面不存在" : "出错了"}</h1>
        <p className="muted">{message}</p>
        <Link className="btn btn--primary error-card__action" to="/">
          返回首页
        </Link>
      </div>
    </AppShell>
  );
}

import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { listNotifications, markRead } from "../../server/services/notifications";
import { safeRedirect } from "../../shared/schemas/auth";
import { AppShell } from "../components/app-shell";
import { BellIcon, ChevronRightIcon } from "../components/icons";
import { requireUser } from "../lib/auth.server";
import { formatDate, formatTime } from "../lib/format";

export const meta: MetaFunction = () => [{ title: "通知 · 同心" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return { userName: user.displayName, items: await listNotifications(context.services.sql, user.id) };
}

// Opening a notification marks it read and goes where it points; "all" marks everything read.
export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const form = await request.formData();
  const id = form.get("id");
  if (form.get("intent") === "all") {
    await markRead(context.services.sql, user.id);
    return { ok: true };
  }
  if (typeof id === "string") await markRead(context.services.sql, user.id, id);
  throw redirect(safeRedirect(form.get("link"), "/notifications"));
}

export default function Notifications() {
  const { userName, items } = useLoaderData<typeof loader>();
  const unread = items.filter((n) => !n.read).length;
  return (
    <AppShell userName={userName}>
      <section className="section__head">
        <div className="page-head">
          <h1 className="h1">通知</h1>
          <p className="page-head__sub muted">{unread > 0 ? `${unread} 条未读` : "没有未读通知"}</p>
        </div>
        {unread > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="all" />
            <button className="btn btn--small" type="submit">
              全部标为已读
            </button>
          </Form>
        ) : null}
      </section>
      {items.length === 0 ? (
        <div className="card empty">
          <BellIcon size={28} />
          <p className="h3">暂无通知</p>
          <p className="muted">会议邀请、改期、请假审批和补学安排会出现在这里。</p>
        </div>
      ) : (
        <ul className="list" data-testid="notifications">
          {items.map((n) => (
            <li key={n.id}>
              <Form method="post">
                <input type="hidden" name="id" value={n.id} />
                <input type="hidden" name="link" value={n.link ?? "/notifications"} />
                <button type="submit" className={n.read ? "row row--button" : "row row--button row--unread"}>
                  <div className="row__main">
                    <span className="row__title">{n.title}</span>
                    <span className="row__sub">
                      {formatDate(n.createdAt)} {formatTime(n.createdAt)}
                    </span>
                  </div>
                  <ChevronRightIcon size={18} className="row__end" />
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </AppShell>
  );
}

import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { listNotifications, markRead, type NotificationKind } from "../../server/services/notifications";
import { safeRedirect } from "../../shared/schemas/auth";
import { AppShell } from "../components/app-shell";
import {
  BellIcon,
  CalendarIcon,
  ChevronRightIcon,
  ClockIcon,
  FlagIcon,
  UserIcon,
  PeopleIcon,
} from "../components/icons";
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

type Icon = typeof BellIcon;

/** What each kind is called on the list, its icon, and whether it asks for attention (gold). */
const KINDS: Record<NotificationKind, { label: string; icon: Icon; attention?: boolean }> = {
  "meeting.invited": { label: "会议邀请", icon: CalendarIcon },
  "meeting.rescheduled": { label: "会议改期", icon: CalendarIcon, attention: true },
  "meeting.cancelled": { label: "会议取消", icon: CalendarIcon, attention: true },
  "meeting.uninvited": { label: "参会调整", icon: CalendarIcon },
  "meeting.reminder": { label: "会议提醒", icon: ClockIcon, attention: true },
  "meeting.due": { label: "待安排会议", icon: FlagIcon, attention: true },
  "leave.requested": { label: "请假申请", icon: UserIcon },
  "leave.decided": { label: "请假审批", icon: UserIcon },
  "makeup.assigned": { label: "补学安排", icon: BellIcon },
  "reflection.reminder": { label: "心得体会", icon: ClockIcon, attention: true },
  "reflection.returned": { label: "心得体会退回", icon: FlagIcon, attention: true },
  "reflection.accepted": { label: "心得体会通过", icon: BellIcon },
  "account.reset": { label: "账号安全", icon: UserIcon, attention: true },
  "rectification.assigned": { label: "整改事项", icon: FlagIcon },
  "rectification.due": { label: "整改提醒", icon: ClockIcon, attention: true },
  "rectification.overdue": { label: "整改逾期", icon: FlagIcon, attention: true },
  "rectification.reported": { label: "整改待确认", icon: FlagIcon },
  "rectification.returned": { label: "整改退回", icon: FlagIcon, attention: true },
  "rectification.confirmed": { label: "整改销号", icon: BellIcon },
  "review.opened": { label: "民主评议", icon: FlagIcon, attention: true },
  "review.outcome": { label: "评定意见", icon: BellIcon, attention: true },
  "review.reported": { label: "民主评议上报", icon: BellIcon },
  "opinion.passed": { label: "征求意见", icon: BellIcon, attention: true },
  "talk.recorded": { label: "谈心谈话", icon: PeopleIcon },
  "examination.submitted": { label: "对照检查材料待审阅", icon: FlagIcon, attention: true },
  "examination.returned": { label: "对照检查材料退回", icon: FlagIcon, attention: true },
  "examination.accepted": { label: "对照检查材料通过", icon: BellIcon },
  "life.plan_reported": { label: "组织生活会方案", icon: BellIcon, attention: true },
  "life.outcome_reported": { label: "组织生活会上报", icon: BellIcon },
  "life.access_asked": { label: "上级调阅", icon: FlagIcon, attention: true },
  "life.access_ended": { label: "调阅结束", icon: BellIcon },
};
const OTHER = { label: "通知", icon: BellIcon, attention: false };

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
          <p className="muted">会议邀请、改期、会前提醒、待安排的会议、请假审批和补学安排会出现在这里。</p>
        </div>
      ) : (
        <ul className="list" data-testid="notifications">
          {items.map((n) => {
            const kind = KINDS[n.kind] ?? OTHER;
            const Icon = kind.icon;
            return (
              <li key={n.id} data-kind={n.kind}>
                <Form method="post">
                  <input type="hidden" name="id" value={n.id} />
                  <input type="hidden" name="link" value={n.link ?? "/notifications"} />
                  <button type="submit" className={n.read ? "row row--button" : "row row--button row--unread"}>
                    <span
                      style={{
                        flex: "none",
                        display: "flex",
                        color: kind.attention && !n.read ? "var(--color-gold)" : "var(--color-muted)",
                      }}
                    >
                      <Icon size={20} />
                    </span>
                    <div className="row__main">
                      <span className="row__title">
                        {/* flex-basis 0: a long title wraps beside the unread dot, not below it */}
                        <span style={{ flex: "1 1 0%", minWidth: 0 }}>{n.title}</span>
                      </span>
                      <span className="row__sub">
                        <span className={kind.attention ? "tag tag--gold" : "tag tag--muted"}>{kind.label}</span>{" "}
                        {formatDate(n.createdAt)} {formatTime(n.createdAt)}
                      </span>
                    </div>
                    <ChevronRightIcon size={18} className="row__end" />
                  </button>
                </Form>
              </li>
            );
          })}
        </ul>
      )}
    </AppShell>
  );
}

import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { meetingsToAttend } from "../../server/services/calendar/meetings";
import { loadSubject } from "../../server/services/people/subjects";
import { todosFor, type Todo } from "../../server/services/oversight/todos";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { AppShell } from "../components/app-shell";
import { MeetingMeta } from "../components/meeting-meta";
import { requireUser } from "../lib/auth.server";
import { BellIcon, CalendarIcon, ChevronRightIcon, ClockIcon, FlagIcon, UserIcon } from "../components/icons";
import { dateLeaf, formatDate, formatTime } from "../lib/format";
import homeCss from "../styles/home.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: homeCss }];

export const meta: MetaFunction = () => [{ title: "首页 · 同心" }];

/** How many coming meetings home shows; the rest are on the calendar. */
const NEXT_MEETINGS = 5;

// Home is what needs the person now: their to-dos (server/services/todos.ts, where each domain
// adds its own) and the next few meetings they attend. The whole year lives in the calendar.
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const subject = await loadSubject(sql, user.id);
  const [meetings, todos] = await Promise.all([
    meetingsToAttend(sql, subject, { from: new Date(), limit: NEXT_MEETINGS + 1 }),
    todosFor(sql, subject),
  ]);
  return {
    userName: user.displayName,
    meetings: meetings.slice(0, NEXT_MEETINGS),
    more: meetings.length > NEXT_MEETINGS,
    todos,
  };
}

const TODO_ICON: Record<string, typeof BellIcon> = {
  "leave.decide": UserIcon,
  "reflection.review": FlagIcon,
  "attendance.close": ClockIcon,
  "reflection.write": FlagIcon,
  "reflection.revise": FlagIcon,
  makeup: BellIcon,
};

function TodoList({ todos }: { todos: Todo[] }) {
  return (
    <section className="section" aria-labelledby="todo-heading">
      <div className="section__head">
        <h2 className="h2" id="todo-heading">
          待办
        </h2>
        <span className="muted small">{todos.length} 项</span>
      </div>
      <ul className="list todo-list" data-testid="todos">
        {todos.map((t, i) => {
          const Icon = TODO_ICON[t.kind] ?? BellIcon;
          return (
            <li key={`${t.kind}:${t.link}:${i}`}>
              <Link to={t.link} className="row todo" data-kind={t.kind}>
                <span className="todo__icon" aria-hidden="true">
                  <Icon size={20} />
                </span>
                <span className="row__main">
                  <span className="row__title">{t.title}</span>
                  <span className="row__sub">
                    {t.detail}
                    {t.due ? ` · ${formatDate(t.due)} ${formatTime(t.due)}` : ""}
                  </span>
                </span>
                <ChevronRightIcon size={18} className="row__end" />
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export default function Home() {
  const { userName, meetings, more, todos } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <AppShell userName={userName}>
      {params.get("welcome") ? (
        <p className="alert alert--ok" role="status">
          欢迎加入同心！密码已设置好，以后用登录名和这个密码登录。你所在的组织在“组织”页，近期的学习和会议在下方。
        </p>
      ) : null}
      <section className="page-head">
        <p className="eyebrow">你好，{userName}</p>
        <h1 className="h1">{todos.length > 0 ? `有 ${todos.length} 件事等你处理` : "近期组织生活"}</h1>
      </section>
      {todos.length > 0 ? <TodoList todos={todos} /> : null}
      <div className="section__head">
        <h2 className="h2">近期安排</h2>
        <Link to="/calendar" className="home-link">
          <CalendarIcon size={16} />
          全部安排
        </Link>
      </div>
      {meetings.length === 0 ? (
        <div className="card empty">
          <p className="h3">近期没有安排</p>
          <p className="muted">支部安排学习或会议后，会出现在这里。</p>
        </div>
      ) : (
        <ul className="meeting-list">
          {meetings.map((m) => {
            const leaf = dateLeaf(m.startsAt);
            return (
              <li key={m.id}>
                <Link to={`/meetings/${m.id}`} className="card meeting-card">
                  <div className="meeting-card__date" aria-hidden="true">
                    <span className="meeting-card__month">{leaf.month}</span>
                    <span className="meeting-card__day">{leaf.day}</span>
                    <span className="meeting-card__weekday">{leaf.weekday}</span>
                  </div>
                  <div className="meeting-card__body">
                    <span className="row__title">
                      <span className="tag">{MEETING_KIND_LABEL[m.kind]}</span>
                      {m.cancelled ? <span className="tag tag--muted">已取消</span> : null}
                    </span>
                    <h2 className="meeting-card__title">{m.title}</h2>
                    <MeetingMeta
                      time={`${formatTime(m.startsAt)}–${formatTime(m.endsAt)}`}
                      date={formatDate(m.startsAt)}
                      location={m.location}
                      orgName={m.orgName}
                    />
                  </div>
                  <ChevronRightIcon size={20} className="meeting-card__go" />
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      {more ? (
        <p className="home-more">
          <Link to="/calendar" className="btn btn--ghost btn--block">
            在日历中查看全部安排
          </Link>
        </p>
      ) : null}
    </AppShell>
  );
}

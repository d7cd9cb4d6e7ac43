import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { meetingsToAttend } from "../../server/services/meetings";
import { loadSubject } from "../../server/services/subjects";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { AppShell } from "../components/app-shell";
import { MeetingMeta } from "../components/meeting-meta";
import { requireUser } from "../lib/auth.server";
import { ChevronRightIcon } from "../components/icons";
import { dateLeaf, formatDate, formatTime } from "../lib/format";

export const meta: MetaFunction = () => [{ title: "首页 · 同心" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const subject = await loadSubject(sql, user.id);
  const meetings = await meetingsToAttend(sql, subject, { from: new Date(), limit: 20 });
  return { userName: user.displayName, meetings };
}

export default function Home() {
  const { userName, meetings } = useLoaderData<typeof loader>();
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
        <h1 className="h1">近期组织生活</h1>
        {meetings.length > 0 ? (
          <p className="page-head__sub muted">共 {meetings.length} 项安排，按时间先后排列</p>
        ) : null}
      </section>
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
    </AppShell>
  );
}

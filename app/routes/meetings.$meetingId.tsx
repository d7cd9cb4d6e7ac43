import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { getMeetingFor } from "../../server/services/meetings";
import { findOrg } from "../../server/services/orgs";
import { meetingDetail } from "../../server/services/schedule";
import { loadSubject } from "../../server/services/subjects";
import { userColor } from "../../shared/colors";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { canManage, canWrite, scheduleAccess } from "../../shared/permissions";
import { AppShell } from "../components/app-shell";
import { EditorFrame } from "../components/editor-frame";
import { notFound, requireUser } from "../lib/auth.server";
import { ChevronLeftIcon, ClockIcon, FlagIcon, PinIcon } from "../components/icons";
import { formatRange } from "../lib/format";
import { AgendaAndMaterials, MicIcon, PeopleIcon } from "../components/meeting-parts";

// The editor touches the DOM and opens a WebSocket: it is loaded in the browser only.
const CollabEditor = lazy(() => import("../components/collab-editor"));

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const subject = await loadSubject(sql, user.id);
  const found = await getMeetingFor(sql, subject, params.meetingId ?? "");
  if (!found) notFound();
  const detail = await meetingDetail(sql, found.meeting.id);
  const org = await findOrg(sql, found.meeting.orgId);
  return {
    meeting: found.meeting,
    detail: detail!,
    manage: org ? canManage(scheduleAccess(subject, org.resource)) : false,
    canWrite: canWrite(found.access),
    docName: meetingMinutesDoc(found.meeting.id),
    me: { id: user.id, name: user.displayName, color: userColor(user.id) },
  };
}

export default function MeetingPage() {
  const { meeting, detail, manage, canWrite, docName, me } = useLoaderData<typeof loader>();
  const cancelled = detail.status === "cancelled";
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const kind = MEETING_KIND_LABEL[meeting.kind];
  const heading = (
    <div className="sheet__title">
      <h2 className="h3" id="minutes-heading">
        会议记录
      </h2>
      {canWrite ? null : <span className="tag tag--muted">只读</span>}
    </div>
  );
  return (
    <AppShell userName={me.name}>
      <nav className="crumbs" aria-label="位置">
        <Link to="/" className="crumbs__back">
          <ChevronLeftIcon size={16} />
          首页
        </Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{kind}</span>
      </nav>
      <header className="meeting-head">
        <span className="page-head__meta">
          <span className="tag">{kind}</span>
          {cancelled ? <span className="tag tag--muted">已取消</span> : null}
          {!cancelled ? (
            <Link to={`/meetings/${meeting.id}/attendance`} className="btn btn--small meeting-head__edit">
              签到与请假
            </Link>
          ) : null}
          {manage && !cancelled ? (
            <Link to={`/meetings/${meeting.id}/edit`} className="btn btn--small">
              编辑/改期/取消
            </Link>
          ) : null}
        </span>
        <h1 className="meeting-head__title">{meeting.title}</h1>
        {cancelled ? (
          <p className="alert alert--error" role="status">
            此会议已取消{detail.cancelledReason ? `：${detail.cancelledReason}` : "。"}
          </p>
        ) : null}
        <dl className="facts">
          <div>
            <dt>
              <ClockIcon />
              <span className="sr-only">时间</span>
            </dt>
            <dd>{formatRange(meeting.startsAt, meeting.endsAt)}</dd>
          </div>
          <div>
            <dt>
              <PinIcon />
              <span className="sr-only">地点</span>
            </dt>
            <dd>
              {meeting.location ?? (detail.onlineUrl ? "" : "线上")}
              {detail.onlineUrl ? (
                <>
                  {meeting.location ? " · " : null}
                  <a href={detail.onlineUrl} target="_blank" rel="noopener noreferrer">
                    {meeting.location ? "线上参会" : "进入线上会议"}
                  </a>
                </>
              ) : null}
            </dd>
          </div>
          {detail.hostName ? (
            <div>
              <dt>
                <MicIcon />
                <span className="sr-only">主持与记录</span>
              </dt>
              <dd>
                主持人 {detail.hostName}
                {detail.recorderName ? ` · 记录人 ${detail.recorderName}` : ""}
              </dd>
            </div>
          ) : null}
          {detail.counts.attendees + detail.counts.guests > 0 ? (
            <div>
              <dt>
                <PeopleIcon />
                <span className="sr-only">参会人员</span>
              </dt>
              <dd>
                应到 {detail.counts.attendees} 人{detail.counts.guests ? ` · 列席 ${detail.counts.guests} 人` : ""}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>
              <FlagIcon />
              <span className="sr-only">组织</span>
            </dt>
            <dd>{meeting.orgName}</dd>
          </div>
        </dl>
      </header>
      <AgendaAndMaterials agenda={detail.agenda} materials={detail.materials} />
      <section className="sheet" aria-labelledby="minutes-heading">
        {mounted ? (
          <Suspense fallback={<EditorPlaceholder heading={heading} />}>
            <CollabEditor docName={docName} user={me} readOnly={!canWrite} heading={heading} />
          </Suspense>
        ) : (
          <EditorPlaceholder heading={heading} />
        )}
      </section>
    </AppShell>
  );
}

function EditorPlaceholder({ heading }: { heading: React.ReactNode }) {
  return <EditorFrame heading={heading} status="loading" />;
}

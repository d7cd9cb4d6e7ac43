import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { getMeetingFor } from "../../server/services/meetings";
import { loadSubject } from "../../server/services/subjects";
import { userColor } from "../../shared/colors";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { AppShell } from "../components/app-shell";
import { notFound, requireUser } from "../lib/auth.server";
import { formatRange } from "../lib/format";

// The editor touches the DOM and opens a WebSocket: it is loaded in the browser only.
const CollabEditor = lazy(() => import("../components/collab-editor"));

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const found = await getMeetingFor(sql, await loadSubject(sql, user.id), params.meetingId ?? "");
  if (!found) notFound();
  return {
    meeting: found.meeting,
    canWrite: found.access === "write",
    docName: meetingMinutesDoc(found.meeting.id),
    me: { id: user.id, name: user.displayName, color: userColor(user.id) },
  };
}

export default function MeetingPage() {
  const { meeting, canWrite, docName, me } = useLoaderData<typeof loader>();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <AppShell userName={me.name}>
      <nav className="crumbs">
        <Link to="/">首页</Link>
        <span aria-hidden="true">/</span>
        <span>{MEETING_KIND_LABEL[meeting.kind]}</span>
      </nav>
      <section className="card meeting-head">
        <span className="tag">{MEETING_KIND_LABEL[meeting.kind]}</span>
        <h1 className="h2">{meeting.title}</h1>
        <dl className="facts">
          <div>
            <dt>时间</dt>
            <dd>{formatRange(meeting.startsAt, meeting.endsAt)}</dd>
          </div>
          <div>
            <dt>地点</dt>
            <dd>{meeting.location ?? "线上"}</dd>
          </div>
          <div>
            <dt>组织</dt>
            <dd>{meeting.orgName}</dd>
          </div>
        </dl>
      </section>
      <section className="card doc-card">
        <header className="doc-card__head">
          <h2 className="h3">会议记录</h2>
          {canWrite ? null : <span className="tag tag--muted">只读</span>}
        </header>
        {mounted ? (
          <Suspense fallback={<EditorPlaceholder />}>
            <CollabEditor docName={docName} user={me} readOnly={!canWrite} />
          </Suspense>
        ) : (
          <EditorPlaceholder />
        )}
      </section>
    </AppShell>
  );
}

function EditorPlaceholder() {
  return <div className="editor editor--loading" aria-busy="true">正在载入记录…</div>;
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { getMeetingFor } from "../../server/services/meetings";
import { loadSubject } from "../../server/services/subjects";
import { userColor } from "../../shared/colors";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { canWrite } from "../../shared/permissions";
import { AppShell } from "../components/app-shell";
import { EditorFrame } from "../components/editor-frame";
import { notFound, requireUser } from "../lib/auth.server";
import { ChevronLeftIcon, ClockIcon, FlagIcon, PinIcon } from "../components/icons";
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
    canWrite: canWrite(found.access),
    docName: meetingMinutesDoc(found.meeting.id),
    me: { id: user.id, name: user.displayName, color: userColor(user.id) },
  };
}

export default function MeetingPage() {
  const { meeting, canWrite, docName, me } = useLoaderData<typeof loader>();
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
        <span className="tag">{kind}</span>
        <h1 className="meeting-head__title">{meeting.title}</h1>
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
            <dd>{meeting.location ?? "线上"}</dd>
          </div>
          <div>
            <dt>
              <FlagIcon />
              <span className="sr-only">组织</span>
            </dt>
            <dd>{meeting.orgName}</dd>
          </div>
        </dl>
      </header>
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

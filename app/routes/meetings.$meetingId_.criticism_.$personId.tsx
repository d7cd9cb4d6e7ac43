import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { criticismNotePage } from "../../server/services/life/criticism-view";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { ClockIcon, UserIcon } from "../components/icons";
import { Crumbs } from "../components/people";
import { CriticismNoteView, useComposedNote } from "../components/criticism-note-view";
import { criticismStyles } from "../components/criticism-round";
import { requireActor } from "../lib/actor.server";
import { loaded } from "../lib/form-errors.server";
import { formatDate } from "../lib/format";

// One person's 批评与自我批评 note at a 组织生活会 (docs/decisions/035): read-only, composed by the
// server from their self-criticism, the criticisms they received and their answer, and kept
// current live. Readable by the person, the 支委, the attendees while the meeting is in progress
// and the level above with a grant (lifeRecordAccess); everyone else 404. Authors appear only for
// those who may see them; every read by someone other than the person is audited.

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.page.person.name}的批评与自我批评 · ${data.page.meeting.title} · 同心` : "同心" },
];
export const links: LinksFunction = () => criticismStyles;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const page = await loaded(
    criticismNotePage(sql, live, actor.subject, params.meetingId ?? "", params.personId ?? "", actor.address),
  );
  return { userName: user.displayName, page };
}

export default function CriticismNotePage() {
  const { userName, page } = useLoaderData<typeof loader>();
  const note = useComposedNote(page.noteDoc, page.note);
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${page.meeting.id}`, label: "会议" }} trail={["批评与自我批评"]} />
      <MeetingHead
        tags={<span className="tag tag--teal">组织生活会</span>}
        title={`${page.person.name}同志的批评与自我批评`}
        facts={[
          { icon: ClockIcon, label: "会议", value: `${formatDate(page.meeting.startsAt)} ${page.meeting.title}` },
          { icon: UserIcon, label: "查看范围", value: "本人、支委；会议进行中的与会同志" },
        ]}
      />
      <section className="card">
        <CriticismNoteView
          note={note}
          authors={page.authors}
          seesFlags={page.seesFlags}
          rectification={page.rectification}
        />
      </section>
    </AppShell>
  );
}

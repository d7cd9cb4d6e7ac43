import {
  type LinksFunction,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { inviteePool, pickDefaults } from "../../server/services/calendar/invitees";
import { createMeeting } from "../../server/services/calendar/schedule";
import { kindsFor } from "../../server/services/calendar/schedule-checks";
import { ORG_KIND_LABEL } from "../../shared/domain/labels";
import { defaultChairs } from "../../shared/permissions";
import { chinaParts } from "../../shared/time";
import { AppShell } from "../components/app-shell";
import { MeetingForm, type MeetingFormResult, type MeetingFormValues } from "../components/meeting-form";
import { Crumbs } from "../components/people";
import { askedKind, formPeople, handleMeetingForm, ticksOf } from "../lib/meetings.server";
import { schedulingOrg } from "../lib/org-access.server";
import meetingFormCss from "../styles/meeting-form.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: meetingFormCss }];

export const meta: MetaFunction = () => [{ title: "安排会议 · 同心" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await schedulingOrg(context, request, params.orgId, "安排会议");
  const { sql } = context.services;
  const kinds = await kindsFor(sql, org);
  const kind = askedKind(request, kinds) ?? kinds[0];
  const pool = await inviteePool(sql, org);
  const ticks = ticksOf(pickDefaults(pool, org, kind));
  // The same proposal whoever schedules: from the organisation's roles (shared/permissions).
  const { hostId, recorderId } = defaultChairs(org, pool);
  const tomorrow = chinaParts(new Date(Date.now() + 86_400_000)).date;
  const initial: MeetingFormValues = {
    kind,
    title: "",
    date: tomorrow,
    startTime: "14:30",
    endTime: "16:30",
    location: "",
    onlineUrl: "",
    hostId: hostId ?? "",
    recorderId: recorderId ?? "",
    agenda: "",
    links: "",
  };
  return {
    userName: user.displayName,
    org: { id: org.id, name: org.name, kind: org.kind },
    kinds,
    kind,
    people: formPeople(pool, org),
    ticks,
    initial,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor, org } = await schedulingOrg(context, request, params.orgId, "安排会议");
  const { sql } = context.services;
  const form = await request.formData();
  return handleMeetingForm(
    form,
    "create",
    { org, kinds: await kindsFor(sql, org), pool: () => inviteePool(sql, org) },
    async (input) => redirect(`/meetings/${await createMeeting(sql, actor, org.id, input)}`),
  );
}

export default function NewMeeting() {
  const { userName, org, kinds, people, ticks, initial } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as MeetingFormResult | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/orgs/${org.id}`, label: org.name }} />
      <section className="page-head">
        <span className="tag">{ORG_KIND_LABEL[org.kind]}</span>
        <h1 className="h1">安排会议</h1>
        <p className="page-head__sub muted">安排好后，参会人员会收到通知，并在首页看到这项安排。</p>
      </section>
      <MeetingForm
        kinds={kinds}
        people={people}
        initial={initial}
        initialTicks={ticks}
        result={result}
        busy={busy}
        submitLabel="安排会议"
        busyLabel="正在安排…"
        intent="create"
      />
    </AppShell>
  );
}

import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { DomainError } from "../../server/services/errors";
import { meetingDetail } from "../../server/services/calendar/meeting-detail";
import { loadMeetingScope } from "../../server/services/meeting-scope";
import { castBallot, closeVote, openVote, recordWrittenOpinion, votesFor } from "../../server/services/session/votes";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { MEETING_KIND_LABEL } from "../../shared/domain/labels";
import { CHOICE_LABEL, ChoiceSchema, OpenVoteSchema } from "../../shared/domain/votes";
import { appendDecision } from "../../shared/editor/minutes";
import { AppShell } from "../components/app-shell";
import { MeetingHead } from "../components/meeting-head";
import { ClockIcon, PinIcon } from "../components/icons";
import { Crumbs } from "../components/people";
import { VotesPanel, votesStyles, type VotesReply } from "../components/session-votes";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { loaded } from "../lib/form-errors.server";
import { formatRange } from "../lib/format";
import { UUID_RE as UUID } from "../../shared/ids";

// Votes at a 支部党员大会. The loader is what the live session page's panel (SessionVotes)
// fetches, and this page renders the same panel on its own, so everything also works without
// JavaScript: the forms post here and come back to the session page or to this page
// (`redirectTo`, same meeting only); a refusal renders this page with the message. Every change
// tells the session's open pages to reload; closing a vote writes its result into the minutes.

export const links: LinksFunction = () => votesStyles;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `表决 · ${data.meeting.title} · 同心` : "同心" },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const meetingId = params.meetingId ?? "";
  const votes = await loaded(votesFor(sql, actor, meetingId));
  // votesFor loaded the meeting for this request (and answered 404 if hidden): the detail reuses it.
  const detail = await meetingDetail(sql, await loadMeetingScope(sql, actor.subject, meetingId));
  if (!detail) notFound();
  return {
    userName: user.displayName,
    meeting: {
      id: detail.id,
      title: detail.title,
      kind: detail.kind,
      startsAt: detail.startsAt,
      endsAt: detail.endsAt,
      location: detail.location,
      hostName: detail.hostName,
      cancelled: detail.status === "cancelled",
    },
    agenda: detail.agenda.map((a) => ({ id: a.id, title: a.title })),
    votes,
  };
}

const voteId = z.string({ error: "没有找到这项表决" }).regex(UUID, "没有找到这项表决");

const VotesActionSchema = z.discriminatedUnion(
  "intent",
  [
    OpenVoteSchema.extend({ intent: z.literal("open") }),
    z.object({ intent: z.literal("cast"), voteId, choice: ChoiceSchema }),
    z.object({
      intent: z.literal("written"),
      voteId,
      userId: z.string({ error: "请选择因故未到会的有表决权党员" }).regex(UUID, "请选择因故未到会的有表决权党员"),
      choice: ChoiceSchema,
    }),
    z.object({ intent: z.literal("close"), voteId }),
  ],
  { error: "无法识别的操作，请刷新页面后重试。" },
);

/** Which form a reply belongs to: the intent, and for a vote's own forms the vote. */
const replyKey = (form: Record<string, FormDataEntryValue>) => {
  const intent = String(form.intent ?? "");
  return intent === "open" || !form.voteId ? intent : `${intent}:${String(form.voteId)}`;
};

/**
 * Where a form without JavaScript comes back to after a change: this meeting's session page or
 * one of its own pages, never elsewhere.
 */
function backTo(raw: FormDataEntryValue | undefined, meetingId: string): string | null {
  if (typeof raw !== "string" || raw === "" || raw.length > 300) return null;
  let url: URL;
  try {
    url = new URL(raw, "http://same.invalid");
  } catch {
    return null;
  }
  if (url.origin !== "http://same.invalid" || !raw.startsWith("/") || raw.startsWith("//")) return null;
  const base = `/meetings/${meetingId}`;
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return null;
  if (url.pathname.includes("..") || url.pathname.includes("//")) return null;
  return url.pathname + url.search + url.hash;
}

const reply = (body: VotesReply, status = 200) => data<VotesReply>(body, { status });

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const key = replyKey(form);
  const back = backTo(form.redirectTo, meetingId);
  const parsed = VotesActionSchema.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return reply({ formError: parsed.error.issues[0].message, fieldErrors, intent: key }, 400);
  }
  const input = parsed.data;
  try {
    // The meeting must be visible, and a vote named in the form must be one of its votes.
    const before = await votesFor(sql, actor, meetingId);
    const vote = input.intent === "open" ? null : before.votes.find((v) => v.id === input.voteId);
    if (input.intent !== "open" && !vote) return reply({ formError: "没有找到这项表决。", intent: key }, 404);

    let done: VotesReply;
    switch (input.intent) {
      case "open": {
        await openVote(sql, actor, meetingId, input);
        done = { ok: `已发起表决：“${input.title}”。到会的有表决权党员现在可以投票。`, intent: key };
        break;
      }
      case "cast": {
        await castBallot(sql, actor, input.voteId, input.choice);
        done = {
          ok: vote!.secret
            ? "已投票。无记名投票只计票数，不记录谁投了什么。"
            : `已投票：${CHOICE_LABEL[input.choice]}。`,
          intent: key,
        };
        break;
      }
      case "written": {
        await recordWrittenOpinion(sql, actor, input.voteId, input.userId, input.choice);
        const who = vote!.electors.find((e) => e.userId === input.userId)?.name ?? "该同志";
        done = { ok: `已登记${who}的书面意见，计入票数。`, intent: key };
        break;
      }
      case "close": {
        const closed = await closeVote(sql, actor, input.voteId);
        const outcome = `表决已结束：${closed.result.passed ? "通过" : "未通过"}。`;
        try {
          await live.editDocument(meetingMinutesDoc(meetingId), (doc) => appendDecision(doc, closed.text));
          done = { ok: `${outcome}结果已写入会议记录的“会议决议”。`, intent: key };
        } catch (e) {
          // The vote is closed and its result stored; only the minutes are missing the paragraph.
          context.services.log.error("votes.minutes_write_failed", { meeting: meetingId, vote: closed.id, error: e });
          done = {
            ok: outcome,
            warning: `未能把结果写入会议记录，请记录人在“会议决议”中补记：${closed.text}`,
            intent: key,
          };
        }
        break;
      }
    }
    await live.sessionChanged(meetingId);
    // Without JavaScript, go back where the form was (a warning stays on this page to be read).
    if (back && !done.warning) return redirect(back);
    return reply(done);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return reply(
      {
        formError: e.message,
        fieldErrors: e.field ? { [e.field]: e.message } : undefined,
        intent: key,
      },
      e.status,
    );
  }
}

export default function VotesPage() {
  const { userName, meeting, agenda, votes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useLiveRefresh();
  const kind = MEETING_KIND_LABEL[meeting.kind];
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${meeting.id}`, label: "会议详情" }} trail={[kind, "表决"]} />
      <MeetingHead
        tagsClassName="page-head__meta"
        tags={
          <>
            <span className="tag">{kind}</span>
            {meeting.cancelled ? <span className="tag tag--muted">已取消</span> : null}
          </>
        }
        eyebrow="表决"
        title={meeting.title}
        facts={[
          { icon: ClockIcon, label: "时间", value: formatRange(meeting.startsAt, meeting.endsAt) },
          {
            icon: PinIcon,
            label: "地点",
            value: `${meeting.location ?? "线上"}${meeting.hostName ? ` · 主持人 ${meeting.hostName}` : ""}`,
          },
        ]}
      />
      <VotesPanel
        meetingId={meeting.id}
        kind={meeting.kind}
        data={votes}
        agenda={agenda}
        reply={result}
        returnTo={`/meetings/${meeting.id}/votes`}
      />
    </AppShell>
  );
}

/** Reloads every few seconds while the page is visible: others vote, sign in and close. */
function useLiveRefresh() {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const state = useRef({ revalidator, navigation });
  state.current = { revalidator, navigation };
  useEffect(() => {
    const tick = () => {
      const { revalidator: r, navigation: n } = state.current;
      if (document.visibilityState === "visible" && navigator.onLine && r.state === "idle" && n.state === "idle")
        r.revalidate();
    };
    const timer = window.setInterval(tick, 5000);
    const onVisible = () => document.visibilityState === "visible" && tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);
}

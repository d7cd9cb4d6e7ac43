import { data } from "@remix-run/node";
import type { Org } from "../../server/services/people/orgs";
import { pickDefaults, type Invitee, type PoolPerson } from "../../server/services/calendar/invitees";
import { holdsPost, mayChair } from "../../shared/permissions";
import { MEETING_KINDS, ROLE_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { MeetingFormSchema, meetingFormFields, type MeetingInput } from "../../shared/schemas/meetings";
import type { FormPerson, MeetingFormResult, MeetingFormValues, Ticks } from "../components/meeting-form";
import { invalid, refused } from "./form-errors.server";

// What the two meeting form pages share on the server: the people list as the form shows it,
// the form's typed values for a reply, and the default list for a kind.

/** People as the checklist shows them: name, category and their post or group. */
export function formPeople(pool: PoolPerson[], org: Pick<Org, "id">): FormPerson[] {
  return pool.map((p) => {
    const post = p.memberships.find((m) => holdsPost(m.role));
    const elsewhere = p.memberships.find((m) => m.orgId !== org.id);
    const parts: string[] = [];
    if (elsewhere && (!post || post.orgId !== org.id)) parts.push(elsewhere.orgName);
    if (post) parts.push(ROLE_LABEL[post.role]);
    if (p.memberships.every((m) => m.mobile)) parts.push("流动党员");
    if (!mayChair(p)) parts.push("未激活");
    return {
      id: p.id,
      displayName: p.displayName,
      category: p.category,
      note: parts.join(" · "),
      canChair: mayChair(p),
    };
  });
}

export const ticksOf = (list: Invitee[]): Ticks => Object.fromEntries(list.map((i) => [i.userId, i.role]));

/** The kind asked for in `?kind=`, if the organisation holds it. */
export function askedKind(request: Request, kinds: MeetingKind[]): MeetingKind | null {
  const k = new URL(request.url).searchParams.get("kind");
  return k && (kinds as string[]).includes(k) ? (k as MeetingKind) : null;
}

const FIELDS = [
  "kind",
  "title",
  "date",
  "startTime",
  "endTime",
  "location",
  "onlineUrl",
  "hostId",
  "recorderId",
  "agenda",
  "links",
] as const;

/** What the member typed, to put back in the form after a refusal. */
export function typedValues(form: FormData): Partial<MeetingFormValues> {
  const out: Partial<MeetingFormValues> = {};
  for (const k of FIELDS) {
    const v = form.get(k);
    if (typeof v === "string") out[k] = v;
  }
  return out;
}

/** The checklist as it was posted. */
export function typedTicks(form: FormData): Ticks {
  const ticks: Ticks = {};
  for (const id of form.getAll("invitees")) if (typeof id === "string") ticks[id] = "attendee";
  for (const id of form.getAll("guests")) if (typeof id === "string") ticks[id] = "guest";
  return ticks;
}

/**
 * Handles the form's own intents: 「按类型重新生成」 (answers the default list for the posted
 * kind, keeping everything typed) and a save (parses, then calls `save`; a refusal answers
 * 400/409 with the typed values). `save` returns the reply for success, usually a redirect.
 */
export async function handleMeetingForm(
  form: FormData,
  intent: string,
  ctx: { org: Pick<Org, "id">; kinds: MeetingKind[]; pool: () => Promise<PoolPerson[]> },
  save: (input: MeetingInput) => Promise<Response>,
) {
  const values = typedValues(form);
  const ticks = typedTicks(form);
  if (form.getAll("intent").includes("defaults")) {
    const posted = String(form.get("kind") ?? "");
    const kind = (MEETING_KINDS as readonly string[]).includes(posted) ? (posted as MeetingKind) : ctx.kinds[0];
    return data<MeetingFormResult>({
      intent: "defaults",
      values,
      ticks: ticksOf(pickDefaults(await ctx.pool(), ctx.org, kind)),
      ok: "已按会议类型重新生成参会名单，请核对后提交。",
    });
  }
  const parsed = MeetingFormSchema.safeParse(meetingFormFields(form));
  if (!parsed.success) {
    const reply = invalid(parsed.error, intent);
    // Say the first problem at the top too: on a phone the field may be a long way down.
    const first = Object.values(reply.data.fieldErrors ?? {})[0];
    reply.data = {
      ...reply.data,
      formError: first ? `请检查标出的内容：${first}` : reply.data.formError,
      values,
      ticks,
    } as MeetingFormResult;
    return reply;
  }
  try {
    return await save(parsed.data);
  } catch (e) {
    const reply = refused(e, intent);
    reply.data = { ...reply.data, values, ticks } as MeetingFormResult;
    return reply;
  }
}

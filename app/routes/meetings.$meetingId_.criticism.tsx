import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { criticismRound, moveTurn, setRoundOrder } from "../../server/services/life/criticism-round";
import { CriticismRoundActionSchema } from "../../shared/schemas/criticism";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { invalid, loaded, refused, type FormErrors } from "../lib/form-errors.server";

// The round of criticism of a 组织生活会 (docs/decisions/035). GET: the round as the viewer sees
// it (the session page's panel shows the same); POST: the host moves the turn or sets the order.
// Another kind of meeting has no round: 404.

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const round = await loaded(criticismRound(context.services.sql, actor.subject, params.meetingId ?? ""));
  if (!round) notFound();
  return { round };
}

type Result = FormErrors & { ok?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const meetingId = params.meetingId ?? "";
  const form = Object.fromEntries(await request.formData());
  const parsed = CriticismRoundActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, String(form.intent ?? ""));
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "turn": {
        const to =
          input.step === "to"
            ? { personId: input.personId ? input.personId : null }
            : { step: input.step as "next" | "previous" };
        const { personId } = await moveTurn(sql, live, actor, meetingId, to);
        return { ok: personId ? "已轮到下一位同志。" : "批评与自我批评已暂停。", intent: "turn" } satisfies Result;
      }
      case "order":
        await setRoundOrder(sql, live, actor, meetingId, input.order);
        return { ok: "发言顺序已更新。", intent: "order" } satisfies Result;
    }
  } catch (e) {
    return refused(e, input.intent);
  }
}

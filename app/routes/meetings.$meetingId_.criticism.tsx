import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { criticismRound, moveTurn, setRoundOrder } from "../../server/services/life/criticism-round";
import { CriticismRoundActionSchema } from "../../shared/schemas/criticism";
import { AppShell } from "../components/app-shell";
import { Crumbs } from "../components/people";
import { criticismStyles } from "../components/criticism-round";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";
import { invalid, loaded, refused, type FormErrors } from "../lib/form-errors.server";

// The round of criticism of a 组织生活会 (docs/decisions/035). GET: the round's order as the viewer
// sees it (the session page's panel shows it live; this page is where its forms answer without
// JavaScript); POST: the host moves the turn or sets the order. Another kind of meeting: 404.

export const meta: MetaFunction = () => [{ title: "批评与自我批评 · 同心" }];
export const links: LinksFunction = () => criticismStyles;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const round = await loaded(criticismRound(context.services.sql, actor.subject, params.meetingId ?? ""));
  if (!round) notFound();
  return { round, userName: user.displayName, meetingId: params.meetingId ?? "" };
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

export default function CriticismRoundPage() {
  const { round, userName, meetingId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const error = result?.formError ?? Object.values(result?.fieldErrors ?? {})[0];
  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: `/meetings/${meetingId}`, label: "会议" }} trail={["批评与自我批评"]} />
      <section className="card crit">
        <h1 className="h3">批评与自我批评：发言顺序</h1>
        {result?.ok ? <p className="alert alert--success">{result.ok}</p> : null}
        {error ? (
          <p className="alert alert--error" role="alert">
            {error}
          </p>
        ) : null}
        <ol className="crit__order">
          {round.turns.map((t, i) => (
            <li key={t.id} className="crit__person" data-current={t.id === round.currentId ? "" : undefined}>
              <span className="crit__index">{i + 1}</span>
              <span className="crit__name">{t.name}</span>
              {t.post ? <span className="crit__post">{t.post}</span> : null}
              {t.absent ? <span className="tag tag--muted">缺席</span> : null}
            </li>
          ))}
        </ol>
        <Link to={`/meetings/${meetingId}`} className="btn btn--small">
          回到会议
        </Link>
      </section>
    </AppShell>
  );
}

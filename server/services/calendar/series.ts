import type { Sql } from "../../../db/client";
import { defaultHolidays } from "../../../shared/domain/annual-plan";
import {
  describeRecurrence,
  expandRecurrence,
  occurrenceTitle,
  type Expansion,
} from "../../../shared/domain/recurrence";
import { chinaShort } from "../../../shared/time";
import type { SeriesInput } from "../../../shared/schemas/plan";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { createMeetings, RowsRefused } from "./bulk-schedule";
import { DomainError } from "../errors";
import { requireSchedulingOrg } from "../people/orgs";

// Recurring series (例：每月第一个星期五的主题党日): the rule is kept in meeting_series, and each
// date becomes an ordinary meeting carrying the series id, so it can be edited, moved or
// cancelled on its own, or cancelled with the rest of the series.

function holidaysFor(input: SeriesInput): Set<string> {
  const first = Number(input.rule.from.slice(0, 4));
  const last = Number(input.rule.until.slice(0, 4));
  const out = new Set<string>();
  for (let y = first; y <= last; y++) for (const d of defaultHolidays(y)) out.add(d);
  return out;
}

const md = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/**
 * The dates a series would take, or a 400 saying why there are none (a recurrence that yields
 * nothing is a mistake to point out, not an empty success).
 */
export function expandSeries(input: SeriesInput, now = new Date()): Expansion {
  const expansion = expandRecurrence(input.rule, { holidays: holidaysFor(input), notBefore: now });
  if (expansion.occurrences.length > 0) return expansion;
  const rule = describeRecurrence(input.rule);
  const range = `${md(input.rule.from)}至${md(input.rule.until)}`;
  const past = expansion.skipped.filter((s) => s.reason === "past").length;
  const why =
    expansion.skipped.length === 0
      ? `${range}之间没有“${rule}”这一天，请放宽日期范围`
      : past === expansion.skipped.length
        ? `${range}之间的“${rule}”都已过去`
        : `${range}之间的“${rule}”都是节假日或已过去`;
  throw new DomainError(`按这个规则排不出任何会议：${why}。`, 400, "until");
}

/** Creates the series and its meetings, all or none; returns the number of meetings. */
export async function createSeries(sql: Sql, actor: Actor, orgId: string, input: SeriesInput, now = new Date()) {
  const { occurrences } = expandSeries(input, now);
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const org = await requireSchedulingOrg(t, actor, orgId);
    const [series] = await t<{ id: string }[]>`
      insert into meeting_series (org_id, kind, title, rule, created_by)
      values (${org.id}, ${input.kind}, ${input.title}, ${t.json(input.rule as never)}, ${actor.userId})
      returning id`;
    try {
      await createMeetings(
        t,
        actor,
        occurrences.map((o) => ({
          orgId: org.id,
          kind: input.kind,
          title: occurrenceTitle(input.title, o.date),
          startsAt: o.startsAt,
          endsAt: o.endsAt,
          location: input.location,
          onlineUrl: input.onlineUrl,
          hostId: input.hostId,
          recorderId: input.recorderId,
        })),
        { seriesId: series.id, source: "series", summary: `${org.name}“${input.title}”系列安排` },
      );
    } catch (e) {
      if (!(e instanceof RowsRefused)) throw e;
      // One form, many dates: name each date that cannot be taken and why.
      const lines = e.rows.map((r) => `${chinaShort(occurrences[r.index].startsAt)}：${r.message}`);
      throw new DomainError(`有 ${lines.length} 个日期无法安排，没有创建任何会议。${lines.join("；")}`, 409);
    }
    await audit(t, {
      actorId: actor.userId,
      action: "series.create",
      orgId: org.id,
      detail: { rule: describeRecurrence(input.rule), meetings: occurrences.length },
      address: actor.address,
    });
    return occurrences.length;
  })) as number;
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { attendanceExport, STATUS_LABEL, type SheetRow } from "../../server/services/session/attendance";
import { DomainError } from "../../server/services/errors";
import { toCsv } from "../../shared/csv";
import { CHINA_TIME_ZONE } from "../../shared/time";
import { countModes, MODE_LABEL, presentSummary, VIA_LABEL } from "../../shared/domain/attendance-mode";
import { requireActor } from "../lib/actor.server";
import { notFound } from "../lib/auth.server";

// A resource route: the attendance sheet of one meeting as a CSV file (/meetings/<id>/attendance.csv),
// with how each person attended (现场 / 线上, decision 028) and a last row of totals. For those
// who manage the attendance only: the reasons in it can be private.

const LEAVE: Record<string, string> = { pending: "请假待审批", approved: "请假已批准", declined: "请假未批准" };
const stamp = new Intl.DateTimeFormat("sv-SE", {
  timeZone: CHINA_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const CAME = new Set<string>(["present", "late", "left_early"]);

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(context, request);
  let data;
  try {
    data = await attendanceExport(context.services.sql, actor, params.meetingId ?? "");
  } catch (e) {
    if (e instanceof DomainError && e.status === 404) notFound();
    if (e instanceof DomainError)
      throw new Response("只有主持人、书记或组织委员可以导出考勤表。", {
        status: e.status,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    throw e;
  }
  const { meeting, sheet } = data;
  const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");
  const rows = [...sheet.rows].sort((a, b) =>
    a.role === b.role ? byPinyin.compare(a.name, b.name) : a.role === "attendee" ? -1 : 1,
  );
  const attendees = sheet.rows.filter((r) => r.role === "attendee" && CAME.has(r.status));
  const c = sheet.counts;
  const table = [
    ["姓名", "名单", "状态", "参会方式", "签到时间", "签到途径", "说明"],
    ...rows.map(line),
    [
      "合计",
      `应到 ${c.expected} 人`,
      `实到 ${presentSummary(c.present, countModes(attendees.map((r) => r.mode)))}`,
      `请假 ${c.leave} 人，缺席 ${c.absent} 人`,
      `迟到 ${c.late} 人，早退 ${c.leftEarly} 人`,
      `列席 ${c.guests} 人`,
      sheet.over ? "" : "会议尚未结束，考勤仍可能变化",
    ],
  ];
  const name = `考勤表-${meeting.title}-${stamp.format(meeting.startsAt).slice(0, 10)}.csv`;
  return new Response(toCsv(table), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "no-store",
    },
  });
}

function line(r: SheetRow): string[] {
  const status = r.role === "guest" && r.status === "absent" ? "未到" : STATUS_LABEL[r.status];
  const notes: string[] = [];
  if (r.correctionReason) notes.push(`主持人更正：${r.correctionReason}`);
  if (r.leave && !r.signedInAt) notes.push(`${LEAVE[r.leave.status] ?? "请假"}：${r.leave.reason}`);
  return [
    r.name,
    r.role === "guest" ? "列席" : "应到",
    status,
    CAME.has(r.status) && r.mode ? MODE_LABEL[r.mode] : "",
    r.signedInAt ? stamp.format(r.signedInAt) : "",
    r.via ? (VIA_LABEL[r.via] ?? r.via) : "",
    notes.join("；"),
  ];
}

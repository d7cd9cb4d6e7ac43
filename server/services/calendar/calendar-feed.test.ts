import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { escapeText, foldLine, renderICalendar, sequenceOf, type FeedMeeting } from "./calendar-feed";

const octets = (s: string) => Buffer.byteLength(s, "utf8");
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, "");

const meeting = (over: Partial<FeedMeeting> = {}): FeedMeeting => ({
  id: "8f0c2a4e-5b1d-4c3e-9a7f-0123456789ab",
  orgId: "00000000-0000-0000-0000-000000000001",
  orgName: "机关第一党支部",
  kind: "general_assembly",
  title: "集中学习《中国共产党支部工作条例（试行）》",
  startsAt: new Date("2026-05-08T06:30:00Z"),
  endsAt: new Date("2026-05-08T08:30:00Z"),
  location: "机关办公楼三楼党员活动室",
  status: "scheduled",
  cancelled: false,
  hostId: null,
  updatedAt: new Date("2026-04-01T00:00:00Z"),
  cancelledReason: null,
  onlineUrl: null,
  ...over,
});

describe("escapeText", () => {
  it("escapes backslash, semicolon, comma and line breaks, and drops other control characters", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf\rg\u0007h\ti")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng" + "h\ti");
  });
});

describe("foldLine", () => {
  it("leaves a short line alone", () => {
    expect(foldLine("SUMMARY:短")).toBe("SUMMARY:短");
  });

  it("folds at 75 octets without splitting a UTF-8 sequence, and unfolds to the same text", () => {
    const line = "DESCRIPTION:" + "同心协力、学习强国。ab😀".repeat(40);
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(10);
    for (const [i, p] of parts.entries()) {
      expect(octets(p)).toBeLessThanOrEqual(75);
      if (i > 0) expect(p.startsWith(" ")).toBe(true);
      // Each physical line is valid UTF-8 on its own: no character was cut in two.
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(p, "utf8"))).not.toThrow();
      expect(p).not.toContain("\uFFFD");
    }
    // Lines are used up: a break happens only when the next character would not fit.
    for (const p of parts.slice(0, -1)) expect(octets(p)).toBeGreaterThan(75 - 4);
    expect(unfold(folded)).toBe(line);
  });
});

describe("renderICalendar", () => {
  const longText =
    "本次支部党员大会集中学习《中国共产党支部工作条例（试行）》，围绕“三会一课”制度落实情况开展讨论；" +
    "请各位党员提前阅读原文，准备 3—5 分钟的发言，并带好学习笔记本。\n" +
    "会后由组织委员汇总大家的意见建议，形成书面材料报党委组织部，抄送各党小组长。\\备注：逗号,分号;反斜杠\\";

  it("writes CRLF lines of at most 75 octets that an independent parser reads back unchanged", () => {
    const m = meeting({
      title: longText.slice(0, 60),
      location: "机关办公楼三楼党员活动室，东侧；\n（请走北门）",
      onlineUrl: "https://meeting.example.cn/j/123456789?pwd=a,b;c",
      orgName: longText,
    });
    const ics = renderICalendar([m], {
      baseUrl: "https://tongxin.example.org/",
      now: new Date("2026-04-02T00:00:00Z"),
    });

    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of ics.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);

    const cal = new ICAL.Component(ICAL.parse(ics));
    expect(cal.getFirstPropertyValue("prodid")).toBe("-//Tongxin//同心//ZH");
    expect(cal.getFirstPropertyValue("version")).toBe("2.0");
    expect(cal.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(cal.getFirstPropertyValue("x-wr-calname")).toBe("同心 · 我的组织生活");
    const [vevent] = cal.getAllSubcomponents("vevent");
    const ev = new ICAL.Event(vevent);
    expect(ev.uid).toBe(`${m.id}@tongxin`);
    expect(ev.summary).toBe(`【支部党员大会】${m.title}`);
    expect(ev.location).toBe("机关办公楼三楼党员活动室，东侧；\n（请走北门）");
    const url = `https://tongxin.example.org/meetings/${m.id}`;
    expect(ev.description).toBe(`支部党员大会 · ${longText}\n线上参会：${m.onlineUrl}\n详情：${url}`);
    expect(vevent.getFirstPropertyValue("url")).toBe(url);
    expect(ev.startDate.toJSDate().toISOString()).toBe("2026-05-08T06:30:00.000Z");
    expect(ev.endDate.toJSDate().toISOString()).toBe("2026-05-08T08:30:00.000Z");
    expect(ev.startDate.zone.tzid).toBe("UTC");
    expect(vevent.getFirstPropertyValue("status")).toBe("CONFIRMED");
    expect(ev.sequence).toBe(sequenceOf(m.updatedAt));
    const alarm = vevent.getFirstSubcomponent("valarm")!;
    expect(alarm.getFirstPropertyValue("action")).toBe("DISPLAY");
    expect((alarm.getFirstPropertyValue("trigger") as InstanceType<typeof ICAL.Duration>).toSeconds()).toBe(-3600);
  });

  it("marks a cancelled meeting CANCELLED, says why, and sets no reminder", () => {
    const ics = renderICalendar([meeting({ status: "cancelled", cancelledReason: "与上级会议冲突，改期另行通知" })], {
      baseUrl: "http://localhost:3000",
    });
    const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent")!;
    expect(vevent.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(new ICAL.Event(vevent).description).toContain("已取消：与上级会议冲突，改期另行通知");
    expect(vevent.getFirstSubcomponent("valarm")).toBeNull();
  });

  it("raises SEQUENCE with every later edit", () => {
    const t = new Date("2026-04-01T00:00:00Z");
    expect(sequenceOf(new Date(t.getTime() + 1000))).toBeGreaterThan(sequenceOf(t));
    expect(sequenceOf(new Date("2090-01-01T00:00:00Z"))).toBeLessThan(2 ** 31);
  });

  it("writes an empty calendar when there are no meetings", () => {
    const cal = new ICAL.Component(ICAL.parse(renderICalendar([], { baseUrl: "http://localhost" })));
    expect(cal.name).toBe("vcalendar");
    expect(cal.getAllSubcomponents("vevent")).toHaveLength(0);
  });
});

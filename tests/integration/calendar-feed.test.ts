import { createHash, randomBytes } from "node:crypto";
import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultInvitees } from "../../server/services/calendar/invitees";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";
import { signIn } from "../setup/server";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

const t = withDemoServer();
const DAY = 86_400_000;

interface Row {
  id: string;
  kind: MeetingKind;
  title: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
}

async function addMeeting(m: {
  org: string;
  title: string;
  days: number;
  kind?: MeetingKind;
  location?: string;
  status?: "scheduled" | "planned" | "cancelled";
  reason?: string;
}): Promise<string> {
  const start = new Date(Date.now() + m.days * DAY);
  start.setUTCSeconds(0, 0);
  const kind = m.kind ?? "general_assembly";
  // Invited as scheduling would: the feed holds what the person should attend.
  const invitees = await defaultInvitees(t.sql, { id: t.ids.org[m.org] }, kind);
  return t.meeting({
    org: m.org,
    kind,
    title: m.title,
    start,
    minutes: 90,
    location: m.location ?? null,
    status: m.status ?? "scheduled",
    cancelledReason: m.reason ?? null,
    createdBy: null,
    host: null,
    attendees: invitees.filter((i) => i.role === "attendee").map((i) => ({ id: i.userId })),
    guests: invitees.filter((i) => i.role === "guest").map((i) => ({ id: i.userId })),
  });
}

const LONG_TITLE =
  "学习贯彻党的二十届三中全会精神专题研讨：结合本职工作谈体会、找差距、定措施，推动机关党建与业务工作深度融合";
const ids: Record<string, string> = {};

beforeAll(async () => {
  const branch = ORGS.B1;
  ids.cancelled = await addMeeting({
    org: branch,
    title: "支部党员大会：讨论发展党员工作（已取消）",
    kind: "general_assembly",
    days: 9,
    status: "cancelled",
    reason: "与上级会议冲突",
  });
  ids.long = await addMeeting({
    org: branch,
    title: LONG_TITLE,
    kind: "party_lecture",
    days: 12,
    location: "机关办公楼三楼党员活动室，东侧；请走北门\n（带好学习笔记本）",
  });
  ids.recentPast = await addMeeting({
    org: "第一党小组",
    title: "第一党小组上月学习会",
    kind: "group_meeting",
    days: -10,
  });
  ids.oldPast = await addMeeting({ org: branch, title: "半年前的主题党日", kind: "theme_day", days: -200 });
  ids.otherGroup = await addMeeting({ org: "第二党小组", title: "第二党小组学习会", kind: "group_meeting", days: 5 });
  ids.otherBranch = await addMeeting({ org: "机关第二党支部", title: "机关第二党支部党员大会", days: 4 });
});

const TOKEN_IN_HTML = /\/calendar\/([A-Za-z0-9_-]{43})\.ics/;

/** Makes (or replaces) the feed through the real /me action; returns the URL shown on the page. */
async function createFeed(cookie: string): Promise<string> {
  const res = await t.http.post("/me", { intent: "feed-create" }, { cookie });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain("仅显示这一次");
  const token = html.match(TOKEN_IN_HTML)?.[1];
  expect(token).toBeTruthy();
  expect(html).toContain(`webcal://${new URL(t.url).host}/calendar/${token}.ics`);
  return `${t.url}/calendar/${token}.ics`;
}

/** Fetches a feed without any cookie, as a phone calendar does. */
const fetchFeed = (url: string) => fetch(url, { redirect: "manual" });

function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return cal.getAllSubcomponents("vevent").map((v) => {
    const ev = new ICAL.Event(v);
    return {
      id: ev.uid.replace(/@tongxin$/, ""),
      uid: ev.uid,
      summary: ev.summary,
      location: ev.location,
      description: ev.description,
      start: ev.startDate.toJSDate().getTime(),
      end: ev.endDate.toJSDate().getTime(),
      status: v.getFirstPropertyValue("status"),
      url: v.getFirstPropertyValue("url"),
      alarm: v.getFirstSubcomponent("valarm"),
    };
  });
}

const homeMeetingIds = async (cookie: string) => {
  const html = await (await t.http.get("/", { cookie })).text();
  return new Set([...html.matchAll(/href="\/meetings\/([0-9a-f-]{36})"/g)].map((m) => m[1]));
};

describe("personal iCalendar feed", () => {
  let cookie: string;
  let url: string;

  beforeAll(async () => {
    cookie = await signIn(t.url, DEMO.LIU);
  });

  it("offers to generate a link on /me when there is none", async () => {
    const html = await (await t.http.get("/me", { cookie })).text();
    expect(html).toContain("日历订阅");
    expect(html).toContain("生成订阅链接");
    expect(html).not.toContain("停止订阅");
  });

  it("refuses a cross-site request to make a feed", async () => {
    const res = await t.http.post(
      "/me",
      { intent: "feed-create" },
      { cookie },
      { headers: { origin: "https://evil.example" } },
    );
    expect(res.status).toBe(403);
    expect(await t.sql`select 1 from calendar_feeds`).toHaveLength(0);
  });

  it("generates a URL once and stores only the token's SHA-256", async () => {
    url = await createFeed(cookie);
    const token = url.match(TOKEN_IN_HTML)![1];
    const rows = await t.sql<{ token_hash: string }[]>`
      select f.token_hash from calendar_feeds f join users u on u.id = f.user_id where u.username = '13800000004'`;
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    // Later visits explain the link is not shown again, and offer to replace or stop it.
    const html = await (await t.http.get("/me", { cookie })).text();
    expect(html).not.toContain(token);
    expect(html).toContain("链接只在生成时显示一次");
    expect(html).toContain("重新生成（旧链接失效）");
    expect(html).toContain("停止订阅");
  });

  it("serves the feed without a cookie, as text/calendar with CRLF lines of at most 75 octets", async () => {
    const res = await fetchFeed(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    expect(res.headers.get("content-disposition")).toBe('inline; filename="tongxin.ics"');
    expect(res.headers.getSetCookie()).toEqual([]);
    const ics = await res.text();
    expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = ics.split("\r\n");
    for (const line of lines) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    // The long Chinese summary really was folded on the way.
    expect(lines.some((l) => l.startsWith(" "))).toBe(true);
    expect(ics).toContain("PRODID:-//Tongxin//同心//ZH");
    expect(ics).toContain("X-WR-TIMEZONE:Asia/Shanghai");
  });

  it("holds exactly the meetings the member should attend, as in the database and on the home page", async () => {
    const events = parse(await (await fetchFeed(url)).text());
    // The member is in 第一党小组 under 机关第一党支部: the meetings they are invited to, from 90 days
    // back, cancelled ones included; never 第二党小组's or the other branch's, nor the 支委会.
    const expected = await t.sql<Row[]>`
      select id, kind, title, starts_at, ends_at, status from meetings
      where org_id in (${t.ids.org["机关第一党支部"]}, ${t.ids.org["第一党小组"]}) and ends_at >= now() - interval '90 days'
        and id in (select meeting_id from meeting_invitees i join users u on u.id = i.user_id
                   where u.username = '13800000004')
      order by starts_at`;
    // Five, and the demo's 组织生活会 in preparation (last year's is further back than 90 days).
    expect(expected.length).toBe(6);
    expect(events.map((e) => e.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(events.map((e) => e.id)).toContain(ids.recentPast);
    expect(events.map((e) => e.id)).not.toContain(ids.oldPast);
    expect(events.map((e) => e.id)).not.toContain(ids.otherGroup);
    expect(events.map((e) => e.id)).not.toContain(ids.otherBranch);
    for (const row of expected) {
      const ev = events.find((e) => e.id === row.id)!;
      expect(ev.uid).toBe(`${row.id}@tongxin`);
      expect(ev.summary).toBe(`【${MEETING_KIND_LABEL[row.kind]}】${row.title}`);
      expect(ev.start).toBe(row.starts_at.getTime());
      expect(ev.end).toBe(row.ends_at.getTime());
      expect(ev.url).toBe(`${t.url}/meetings/${row.id}`);
      expect(ev.description).toContain(`详情：${t.url}/meetings/${row.id}`);
      expect(ev.status).toBe(row.status === "cancelled" ? "CANCELLED" : "CONFIRMED");
    }

    // Every upcoming meeting on the home page is in the feed, and every upcoming, not cancelled
    // event of the feed is on the home page.
    const home = await homeMeetingIds(cookie);
    expect(home.size).toBeGreaterThanOrEqual(3);
    for (const id of home) expect(events.map((e) => e.id)).toContain(id);
    for (const e of events.filter((e) => e.end >= Date.now() && e.status !== "CANCELLED")) expect(home).toContain(e.id);
  });

  it("keeps Chinese text, punctuation and line breaks intact through escaping and folding", async () => {
    const events = parse(await (await fetchFeed(url)).text());
    const long = events.find((e) => e.id === ids.long)!;
    expect(long.summary).toBe(`【党课】${LONG_TITLE}`);
    expect(long.location).toBe("机关办公楼三楼党员活动室，东侧；请走北门\n（带好学习笔记本）");
    expect(long.description).toContain("党课 · 机关第一党支部");
    const seeded = events.find((e) => e.summary === "【支部党员大会】集中学习《中国共产党支部工作条例（试行）》");
    expect(seeded?.location).toBe("机关办公楼三楼党员活动室");
    expect(long.alarm?.getFirstPropertyValue("action")).toBe("DISPLAY");
    expect((long.alarm?.getFirstPropertyValue("trigger") as InstanceType<typeof ICAL.Duration>).toSeconds()).toBe(
      -3600,
    );
  });

  it("marks a cancelled meeting STATUS:CANCELLED, with the reason", async () => {
    const events = parse(await (await fetchFeed(url)).text());
    const cancelled = events.find((e) => e.id === ids.cancelled)!;
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.description).toContain("已取消：与上级会议冲突");
    expect(cancelled.alarm).toBeNull();
  });

  it("regenerating makes the old URL 404 and the new one work", async () => {
    const next = await createFeed(cookie);
    expect(next).not.toBe(url);
    const old = await fetchFeed(url);
    expect(old.status).toBe(404);
    expect(old.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await old.text()).toContain("订阅链接无效或已停用");
    expect((await fetchFeed(next)).status).toBe(200);
    url = next;
  });

  it("revoking makes the URL 404 and brings back the generate button", async () => {
    const res = await t.http.post("/me", { intent: "feed-revoke" }, { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("已停止日历订阅");
    expect(html).toContain("生成订阅链接");
    expect((await fetchFeed(url)).status).toBe(404);
    expect(
      await t.sql`select 1 from calendar_feeds f join users u on u.id = f.user_id
                     where u.username = '13800000004'`,
    ).toHaveLength(0);
  });

  it("leaves the page's other forms working", async () => {
    const pw = await t.http.post("/me", { intent: "password", current: "", next: "", confirm: "" }, { cookie });
    expect(pw.status).toBe(400);
    expect(await pw.text()).toContain("请输入当前密码");
    const dev = await t.http.post("/me", { intent: "sessions" }, { cookie });
    expect(dev.status).toBe(200);
    expect(await dev.text()).toMatch(/没有其他设备登录|已退出其他/);
  });

  it("gives another branch's member only their branch's meetings", async () => {
    await addMeeting({ org: "机关第二党支部", title: "机关第二党支部支委会", kind: "committee_meeting", days: 6 });
    const other = await signIn(t.url, DEMO.WU);
    const events = parse(await (await fetchFeed(await createFeed(other))).text());
    // 吴刚 is a member of 机关第二党支部, not on its committee: its 支委会 is not his to attend.
    const theirs = await t.sql<{ id: string }[]>`
      select id from meetings where org_id = ${t.ids.org["机关第二党支部"]} and ends_at >= now() - interval '90 days'
        and kind <> 'committee_meeting'`;
    expect(events.map((e) => e.id).sort()).toEqual(theirs.map((r) => r.id).sort());
    expect(events.map((e) => e.id)).toContain(ids.otherBranch);
    const first = await t.sql<{ id: string }[]>`
      select id from meetings where org_id in (${t.ids.org["机关第一党支部"]}, ${t.ids.org["第一党小组"]}, ${t.ids.org["第二党小组"]})`;
    for (const r of first) expect(events.map((e) => e.id)).not.toContain(r.id);
  });

  it("answers 404 to a made-up or malformed token", async () => {
    for (const token of [randomBytes(32).toString("base64url"), "abc", "x".repeat(43), "../me"]) {
      const res = await fetchFeed(`${t.url}/calendar/${encodeURIComponent(token)}.ics`);
      expect(res.status).toBe(404);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// 民主评议党员 over HTTP (issue 16, section 3; docs/decisions/030): the 书记 opens the ballot of a
// 民主评议 meeting, members write their 自评, every 正式党员 grades every other member once, in
// secret; the 支委 see tallies only after the close, record 评定 with opinions (the 优秀 cap
// warns), each member reads theirs, and the results go up to the 党委.
//
// The first branch with 黄磊 moved out before the ballot: 6 voters (王建国 书记, 李秀英 组织委员,
// 张伟, 刘洋, 陈静, 杨帆) and 7 graded (they and 赵敏, 预备党员); 郑华 is a 流动党员 (neither),
// 周志强 the 党委组织委员 above, 吴刚 in the sibling branch. 7 graded at 30% → at most 2 优秀.

const { SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, HUANG, ZHENG, REVIEWER, WU } = DEMO;
const VOTERS = [SEC, ORG, LEADER, LIU, CHEN, YANG];
const GRADED = [...VOTERS, ZHAO];

/** Everything the process writes while the test runs (the server runs in it, at debug level). */
const logs: string[] = [];
const restore: (() => void)[] = [];

// Registered before the server's preamble, so the capture is in place before the server starts.
beforeAll(() => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logs.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
});
afterAll(() => {
  for (const r of restore) r();
});

const t = withDemoServer({ env: { LOG_LEVEL: "debug" } });
let meeting: string;
const sql = () => t.sql;
const uid = (u: string) => t.ids.user[u];

beforeAll(async () => {
  await sql()`update memberships set ended_at = now(), ended_reason = '调出' where user_id = ${uid(HUANG)}`;
  meeting = await t.meeting({
    org: ORGS.B1,
    kind: "member_review",
    title: "2026年度民主评议党员",
    host: SEC,
    attendees: [...GRADED, ZHENG],
    started: true,
  });
  // Sign everyone in now, so the sessions are not part of what a ballot changes.
  for (const u of [...GRADED, ZHENG, REVIEWER, WU]) await t.http.cookie(u);
});

/** This meeting's 民主评议 pages, read and posted as a demo person. */
const page = (u: string, path = "/review") => t.http.get(`/meetings/${meeting}${path}`, u);
const post = (u: string, body: Record<string, string>, path = "/review") =>
  t.http.post(`/meetings/${meeting}${path}`, body, u);

/** The plan: what each voter gives each member (deterministic, so the tallies are known). */
function gradeOf(voter: string, person: string): string {
  if (person === LIU) return "excellent";
  if (person === ZHAO) return voter === SEC ? "qualified" : "basic";
  if (person === YANG) return ([SEC, ORG, LEADER] as string[]).includes(voter) ? "unqualified" : "qualified";
  return "qualified";
}
const ballotOf = (voter: string, over: Record<string, string> = {}) => ({
  intent: "submit",
  ...Object.fromEntries(GRADED.filter((p) => p !== voter).map((p) => [`grade.${uid(p)}`, gradeOf(voter, p)])),
  ...over,
});

async function everyTable(): Promise<Record<string, string[]>> {
  const tables = await sql()<
    { t: string }[]
  >`select tablename as t from pg_tables where schemaname = 'public' order by 1`;
  const out: Record<string, string[]> = {};
  for (const { t } of tables) {
    const rows = await sql().unsafe(`select * from "${t}"`);
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

const counts = async () =>
  sql()<{ user_id: string; e: number; q: number; b: number; u: number }[]>`
    select g.user_id, g.excellent_count as e, g.qualified_count as q, g.basic_count as b, g.unqualified_count as u
    from review_graded g join review_ballots r on r.id = g.ballot_id where r.meeting_id = ${meeting}`;

describe("民主评议党员", () => {
  it("is only for a 民主评议 or 组织生活会 meeting, and opened only by those who run it", async () => {
    const assembly = await t.meeting({ org: ORGS.B1, kind: "general_assembly" });
    expect((await t.http.get(`/meetings/${assembly}/review`, SEC)).status).toBe(404);
    expect((await page(WU)).status).toBe(404);
    const before = await page(LIU);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain("民主评议测评还没有开始");
    const refused = await post(LIU, { intent: "open" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("只有主持人、书记、副书记或组织委员");
    expect((await post(WU, { intent: "open" })).status).toBe(404);

    const opened = await post(SEC, { intent: "open" });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain("6 名正式党员参加互评，7 名党员参评");
    const again = await post(ORG, { intent: "open" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("不能重复开始");
    const [{ n }] = await sql()<
      { n: number }[]
    >`select count(*)::int as n from notifications where kind = 'review.opened'`;
    expect(n).toBe(GRADED.length);
    const [audit] = await sql()<{ action: string }[]>`select action from audit_log where action = 'review.open'`;
    expect(audit).toBeDefined();
  });

  it("takes each member's 自评, with Chinese refusals for bad input", async () => {
    const missing = await post(LIU, { intent: "self", summary: "认真学习，积极工作，按时参加组织生活。" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("请选择等次");
    const short = await post(LIU, { intent: "self", grade: "excellent", summary: "好" });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("自评内容至少 10 个字");
    const ok = await post(LIU, {
      intent: "self",
      grade: "excellent",
      summary: "刘洋自评：认真学习党的理论，按时参加组织生活，带头完成业务工作。",
    });
    expect(ok.status).toBe(200);
    expect(
      (await post(ZHAO, { intent: "self", grade: "qualified", summary: "赵敏自评：预备期内按时交纳党费，参加学习。" }))
        .status,
    ).toBe(200);
    const mobile = await post(ZHENG, {
      intent: "self",
      grade: "qualified",
      summary: "郑华自评：在流入地参加组织生活。",
    });
    expect(mobile.status).toBe(403);
  });

  it("refuses bad ballots with a Chinese message and a 4xx, saving nothing", async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      [CHEN, ballotOf(CHEN, { [`grade.${uid(CHEN)}`]: "excellent" }), 400, "不能给自己评定等次"],
      [CHEN, ballotOf(CHEN, { [`grade.${uid(WU)}`]: "qualified" }), 400, "不在本次评议名单上"],
      [CHEN, ballotOf(CHEN, { [`grade.${uid(HUANG)}`]: "qualified" }), 400, "不在本次评议名单上"],
      [CHEN, ballotOf(CHEN, { [`grade.${uid(ZHAO)}`]: "" }), 400, "还有 1 人未评定等次：赵敏"],
      [CHEN, { intent: "submit" }, 400, "还有 6 人未评定等次"],
      [CHEN, ballotOf(CHEN, { [`grade.${uid(LIU)}`]: "great" }), 400, "对刘洋的评定等次无效"],
      [ZHAO, ballotOf(ZHAO), 403, "预备党员没有表决权"],
      [ZHENG, ballotOf(ZHENG), 403, "流动党员在组织关系所在的党支部参加民主评议"],
      [REVIEWER, ballotOf(REVIEWER), 403, "不是本支部的党员"],
      [HUANG, ballotOf(HUANG), 404, ""],
      [WU, ballotOf(WU), 404, ""],
    ];
    for (const [who, body, status, words] of cases) {
      const res = await post(who, body);
      expect(res.status, `${who} ${words}`).toBe(status);
      if (words) expect(await res.text()).toContain(words);
    }
    // A refused ballot keeps what the voter chose, for them (no JavaScript) — and stores nothing.
    const kept = await post(CHEN, ballotOf(CHEN, { [`grade.${uid(ZHAO)}`]: "" }));
    expect(await kept.text()).toMatch(/value="excellent"[^>]*checked|checked[^>]*value="excellent"/);
    const [{ n }] = await sql()<{ n: number }[]>`select count(*)::int as n from review_voters where submitted`;
    expect(n).toBe(0);
    for (const c of await counts()) expect(c.e + c.q + c.b + c.u).toBe(0);
  });

  it("keeps no link from a voter to a grade in any table, the audit log, notifications or the logs", async () => {
    const before = await everyTable();
    const logsBefore = logs.length;
    // Two at once from one voter count once.
    const [a, b] = await Promise.all([post(CHEN, ballotOf(CHEN)), post(CHEN, ballotOf(CHEN))]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    for (const v of VOTERS.filter((v) => v !== CHEN)) expect((await post(v, ballotOf(v))).status).toBe(200);
    const twice = await post(LIU, ballotOf(LIU));
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("你已经提交过测评票，不能重复提交");

    const after = await everyTable();
    const changed = Object.keys(after).filter((t) => JSON.stringify(after[t]) !== JSON.stringify(before[t]));
    // Only the participation flags and the counts change: no audit entry, no notification, no row per ballot.
    expect(changed.sort()).toEqual(["review_graded", "review_voters"]);
    const voterIds = new Set(VOTERS.map(uid));
    for (const row of after.review_voters) {
      const r = JSON.parse(row) as Record<string, unknown>;
      expect(Object.keys(r).sort()).toEqual(["ballot_id", "submitted", "user_id"]);
    }
    // In review_graded, the columns that changed are the four counts and nothing else.
    const keyed = (rows: string[]) =>
      new Map(rows.map((r) => JSON.parse(r) as Record<string, unknown>).map((r) => [r.user_id as string, r]));
    const was = keyed(before.review_graded);
    for (const [id, row] of keyed(after.review_graded)) {
      const diff = Object.keys(row).filter((k) => JSON.stringify(row[k]) !== JSON.stringify(was.get(id)?.[k]));
      expect(
        diff.every((k) => k.endsWith("_count")),
        `${id}: ${diff.join(",")}`,
      ).toBe(true);
    }
    // No column anywhere in these tables could say when someone took part.
    const cols = await sql()<{ table_name: string; column_name: string; data_type: string }[]>`
      select table_name, column_name, data_type from information_schema.columns
      where table_name in ('review_voters', 'review_graded') and data_type like 'timestamp%'`;
    expect(cols.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(["review_graded.decided_at"]);
    // The logs of the whole ballot name no voter and no grade.
    const written = logs.slice(logsBefore).join("");
    for (const id of voterIds) expect(written).not.toContain(id);
    for (const g of ["excellent", "qualified", "unqualified", "优秀", "合格", "grade."])
      expect(written).not.toContain(g);
    // And nowhere in the audit log or the notifications.
    const text = JSON.stringify([after.audit_log, after.notifications]);
    for (const g of ["excellent", "unqualified", "basic", "优秀", "不合格"]) expect(text).not.toContain(g);
  });

  it("shows no tallies while open, and exact tallies to the 支委 once closed", async () => {
    const open = await page(SEC, "/review/results");
    expect(open.status).toBe(200);
    const openHtml = await open.text();
    expect(openHtml).toContain("结束测评前不显示得票");
    expect(openHtml).not.toContain('data-grade="excellent" title');

    expect((await post(LIU, { intent: "close" })).status).toBe(403);
    expect((await post(SEC, { intent: "close" })).status).toBe(200);
    expect((await post(SEC, { intent: "close" })).status).toBe(409);
    const late = await post(CHEN, ballotOf(CHEN));
    expect(late.status).toBe(409);
    const lateSelf = await post(LIU, { intent: "self", grade: "qualified", summary: "测评结束后再改自评，应被拒绝。" });
    expect(lateSelf.status).toBe(409);
    expect(await lateSelf.text()).toContain("不能再修改个人自评");

    const c = new Map((await counts()).map((x) => [x.user_id, x]));
    expect(c.get(uid(LIU))).toMatchObject({ e: 5, q: 0, b: 0, u: 0 });
    expect(c.get(uid(ZHAO))).toMatchObject({ e: 0, q: 1, b: 5, u: 0 });
    expect(c.get(uid(YANG))).toMatchObject({ e: 0, q: 2, b: 0, u: 3 });
    expect(c.get(uid(SEC))).toMatchObject({ e: 0, q: 5, b: 0, u: 0 });

    const html = await (await page(SEC, "/review/results")).text();
    expect(html).toContain("刘洋自评");
    expect(html).not.toContain("结束后显示");
  });

  it("shows 自评, tallies and 评定意见 only to their audiences, over HTTP", async () => {
    // The results page (自评 of all, tallies): 支委 yes; the person concerned, another member,
    // another branch and the 党委 (before the report) no.
    const results = async (u: string) => (await page(u, "/review/results")).status;
    expect(await results(SEC)).toBe(200);
    expect(await results(ORG)).toBe(200);
    expect(await results(LIU)).toBe(404);
    expect(await results(CHEN)).toBe(404);
    expect(await results(WU)).toBe(404);
    expect(await results(REVIEWER)).toBe(404);
    // 自评: the person concerned on their own page; another member does not see it.
    expect(await (await page(LIU)).text()).toContain("刘洋自评");
    expect(await (await page(CHEN)).text()).not.toContain("刘洋自评");
    // Reads by others are in the audit log.
    const [{ n }] = await sql()<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'review.results_view' and actor_id = ${uid(ORG)}`;
    expect(n).toBeGreaterThan(0);
  });

  it("records the 支委会's 评定, warns above the 优秀 cap (7 at 30% → 2), tells each member", async () => {
    const row = (u: string, grade: string, opinion: string) => ({
      [`outcome.${uid(u)}.grade`]: grade,
      [`outcome.${uid(u)}.opinion`]: opinion,
    });
    const all = (over: Record<string, string> = {}) => ({
      intent: "record",
      ...row(SEC, "excellent", "王建国同志带头履职，评定为优秀。"),
      ...row(ORG, "qualified", "李秀英同志认真负责，评定为合格。"),
      ...row(LEADER, "qualified", "张伟同志组织党小组学习认真，评定为合格。"),
      ...row(LIU, "excellent", "刘洋同志业务突出，评定为优秀。"),
      ...row(CHEN, "qualified", "陈静同志表现良好，评定为合格。"),
      ...row(YANG, "unqualified", "杨帆同志多次无故缺席组织生活，评定为不合格。"),
      ...row(ZHAO, "basic", "赵敏同志预备期表现基本合格，需加强学习。"),
      ...over,
    });
    // Nothing recorded yet: the member's own page has no 评定意见.
    expect(await (await t.http.get("/me", LIU)).text()).not.toContain('data-testid="my-review-outcomes"');
    // Bad input first: nothing is saved.
    const cases: [string, Record<string, string>, number, string][] = [
      [LIU, all(), 403, "只有书记、副书记或组织委员"],
      [WU, all(), 404, ""],
      [SEC, all(row(CHEN, "qualified", "")), 400, "陈静：请填写评定意见"],
      [SEC, all(row(CHEN, "great", "陈静同志表现良好。")), 400, "陈静：请选择等次"],
      [SEC, all(row(WU, "qualified", "不在名单上的人。")), 400, "不在本次评议名单上"],
      [SEC, { intent: "record" }, 400, "请至少为一名党员"],
    ];
    for (const [who, body, status, words] of cases) {
      const res = await post(who, body, "/review/results");
      expect(res.status, words).toBe(status);
      if (words) expect(await res.text()).toContain(words);
    }
    const [{ n }] = await sql()<
      { n: number }[]
    >`select count(*)::int as n from review_graded where final_grade is not null`;
    expect(n).toBe(0);

    // Three 优秀 of seven: saved, with the warning; the page says 3/2.
    const over = await post(
      SEC,
      all({ ...row(CHEN, "excellent", "陈静同志表现突出，评定为优秀。") }),
      "/review/results",
    );
    expect(over.status).toBe(200);
    const overHtml = await over.text();
    expect(overHtml).toContain("已记录 7 名党员的评定意见");
    expect(overHtml).toContain("超过本支部规定的比例上限：7 人的 30%（向下取整，至少 1 人）为 2 人");
    // Two: no warning.
    const ok = await post(SEC, all(), "/review/results");
    expect(ok.status).toBe(200);
    const html = await (await page(SEC, "/review/results")).text();
    expect(html).not.toContain("超过本支部规定的比例上限");
    expect(html).toMatch(/优秀上限.*2.*\/.*2/s);
    // 不合格 is flagged for a 支部党员大会, never decided by the tally.
    expect(html).toContain("由支部党员大会按党章规定表决决定");

    // Each member: notified, and reads their own on their page; not someone else's.
    const [note] = await sql()<{ title: string; link: string }[]>`
      select title, link from notifications where user_id = ${uid(LIU)} and kind = 'review.outcome' order by id desc limit 1`;
    expect(note.link).toBe(`/meetings/${meeting}/review`);
    const liu = await (await page(LIU)).text();
    expect(liu).toContain("刘洋同志业务突出，评定为优秀。");
    expect(liu).not.toContain("杨帆同志多次无故缺席");
    const chen = await (await page(CHEN)).text();
    expect(chen).toContain("陈静同志表现良好");
    expect(chen).not.toContain("刘洋同志业务突出");
    expect(await (await page(WU)).text()).not.toContain("刘洋同志业务突出");
    // The audit log says whose 评定 was recorded, never which.
    const entries = await sql()<{ detail: unknown }[]>`select detail from audit_log where action = 'review.outcome'`;
    expect(entries.length).toBe(14);
    expect(JSON.stringify(entries)).not.toMatch(/excellent|unqualified|优秀|不合格/);
  });

  it("each member's own 我的 page shows their 评定 and opinion with the meeting and date; nobody else's", async () => {
    const me = async (u: string) => {
      const res = await t.http.get("/me", u);
      expect(res.status).toBe(200);
      return res.text();
    };
    const liu = await me(LIU);
    expect(liu).toContain("民主评议评定意见");
    expect(liu).toContain("刘洋同志业务突出，评定为优秀。");
    expect(liu).toContain('data-grade="excellent"');
    expect(liu).toContain("2026年度民主评议党员");
    expect(liu).toContain(`/meetings/${meeting}/review`);
    expect(liu).toMatch(/记录于 (?:<!-- -->)?[^<]*\d+月\d+日/);
    for (const other of ["杨帆同志多次无故缺席", "陈静同志表现良好", "王建国同志带头履职"])
      expect(liu).not.toContain(other);
    const yang = await me(YANG);
    expect(yang).toContain("杨帆同志多次无故缺席组织生活，评定为不合格。");
    expect(yang).not.toContain("刘洋同志业务突出");
    // Not graded in this ballot (流动党员, another branch, the 党委 above): no section at all.
    for (const u of [ZHENG, WU, REVIEWER]) expect(await me(u)).not.toContain('data-testid="my-review-outcomes"');
    // A member's own reads are not audited (as on the review page); the 支委's reads of the results are.
    const [{ n }] = await sql()<{ n: number }[]>`
      select count(*)::int as n from audit_log where actor_id in (${uid(LIU)}, ${uid(YANG)}) and action like 'review.%'`;
    expect(n).toBe(0);
  });

  it("reports upward: the 党委 reads tallies and 评定 (not 自评), and the 评定 are final", async () => {
    expect((await post(LIU, { intent: "report" }, "/review/results")).status).toBe(403);
    expect((await post(SEC, { intent: "report" }, "/review/results")).status).toBe(200);
    expect((await post(SEC, { intent: "report" }, "/review/results")).status).toBe(409);
    const [{ n }] = await sql()<{ n: number }[]>`
      select count(*)::int as n from notifications where kind = 'review.reported' and user_id = ${uid(REVIEWER)}`;
    expect(n).toBe(1);
    const above = await page(REVIEWER, "/review/results");
    expect(above.status).toBe(200);
    const html = await above.text();
    expect(html).toContain("刘洋同志业务突出，评定为优秀。");
    expect(html).not.toContain("刘洋自评");
    expect(html).not.toContain("结束后显示");
    expect((await page(WU, "/review/results")).status).toBe(404);
    expect((await page(CHEN, "/review/results")).status).toBe(404);
    const locked = await post(
      SEC,
      { intent: "record", [`outcome.${uid(CHEN)}.grade`]: "qualified", [`outcome.${uid(CHEN)}.opinion`]: "再改一次。" },
      "/review/results",
    );
    expect(locked.status).toBe(409);
    expect(await locked.text()).toContain("已经上报");
  });

  it("takes the 优秀 share from the branch settings (default 30%)", async () => {
    const bad = await t.http.post(`/orgs/${t.ids.org[ORGS.B1]}/settings`, { reviewExcellentPercent: "0" }, SEC);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("优秀比例上限应在 1% 到 100% 之间");
    expect(
      (await t.http.post(`/orgs/${t.ids.org[ORGS.B1]}/settings`, { reviewExcellentPercent: "15" }, SEC)).status,
    ).toBe(200);
    // 7 × 15% = 1.05 → 1.
    expect(await (await page(SEC, "/review/results")).text()).toMatch(/优秀上限.*2.*\/.*1/s);
  });
});

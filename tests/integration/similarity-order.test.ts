import { expect, it } from "vitest";
import * as Y from "yjs";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";
import { appendParagraph } from "../setup/yclient";

// Who wrote a shared passage first: the first time it was stored in each author's document. The
// one who wrote it first is not flagged for it when she submits again after the one who copied
// her, and the reviewer sees who was first.

const { SEC, LIU, CHEN } = DEMO;
const t = withDemoServer();

const ORIGINAL = `这次支部组织集中学习党的二十届四中全会精神，我结合自己在社区服务中心窗口的工作，谈几点体会。
第一，要把群众的小事当成自己的大事。上个月有位独居老人来办理高龄津贴，材料缺了一份户籍证明，按规定要退回。我想到老人腿脚不便，就主动联系派出所调取了电子证明，当天就帮他办完了。老人走的时候一直说谢谢，我心里很受触动。
第二，要在流程上想办法减少群众跑腿。我们窗口今年把十二项常办事项做成了一张告知单，群众来之前就知道要带什么材料，一次办成的比例从六成提高到了九成。
第三，要不断提高自己的业务能力。有些政策更新很快，我每周抽出两个晚上学习新文件，整理成问答卡片，和同事一起交流。
今后我要继续在岗位上做好每一件小事，让群众少跑一趟、多一分满意。`;

const COPY = `这回支部组织集中学习了党的二十届四中全会精神，我联系自己在社区服务中心窗口的工作，谈几点认识。
第一，要把群众的小事看成自己的大事。上个月有位独居老人来办高龄津贴，材料缺了一份户籍证明，按照规定要退回。我想到老人腿脚不方便，就主动联系派出所调取了电子证明，当天就帮他办完了。老人走时一直说谢谢，我心里很受触动。
我还觉得，基层工作琐碎，但每件事背后都连着群众的冷暖，马虎不得。
第三，要不断提升自己的业务能力。有些政策更新很快，我每周抽出两个晚上学习新文件，整理成问答卡片，和同事一起交流。
第二，要在流程上想办法减少群众跑腿。我们窗口今年把十二项常办事项做成一张告知单，群众来之前就知道要带哪些材料，一次办成的比例从六成提高到九成。
今后我要继续在岗位上做好每件小事，让群众少跑一趟、多一分满意。`;

/** The author's editor: one document, its full state posted with each submission, as the page does. */
const editors = new Map<string, Y.Doc>();
function type(who: string, text: string) {
  let doc = editors.get(who);
  if (!doc) editors.set(who, (doc = new Y.Doc()));
  for (const line of text.split("\n")) appendParagraph(doc, line);
}
const submit = (m: string, who: string) =>
  t.http.post(
    `/meetings/${m}/reflection`,
    { intent: "submit", update: Buffer.from(Y.encodeStateAsUpdate(editors.get(who)!)).toString("base64") },
    who,
  );
const detailOf = async (m: string, who: string) =>
  (
    await t.sql<
      {
        similarity: number | null;
        similarity_detail: { flagged: boolean; matches: { userId: string; earlier?: string }[] };
      }[]
    >`select similarity, similarity_detail from reflections where meeting_id = ${m} and user_id = ${t.ids.user[who]}`
  )[0];

it("does not flag the original author when she resubmits after the one who copied her", async () => {
  const m = await t.meeting({
    org: ORGS.B1,
    inMin: -60,
    host: SEC,
    attendees: [SEC, LIU, CHEN],
    started: true,
  });
  type(LIU, ORIGINAL);
  expect((await submit(m, LIU)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1200));
  type(CHEN, COPY);
  expect((await submit(m, CHEN)).status).toBe(200);
  const chen = await detailOf(m, CHEN);
  expect(chen.similarity_detail.flagged).toBe(true);
  // Returned to 刘洋, who adds a line and submits again: 陈静's copy is now in the session.
  const ret = await t.http.post(
    `/meetings/${m}/reflections/${t.ids.user[LIU]}`,
    { intent: "return", comment: "请再补充一点今后的打算" },
    SEC,
  );
  expect(ret.status).toBe(200);
  type(LIU, "明年我还要带着窗口的同事一起学，把好的做法写进工作手册里。");
  expect((await submit(m, LIU)).status).toBe(200);
  const liu = await detailOf(m, LIU);
  expect(liu.similarity_detail.flagged).toBe(false);
  expect(liu.similarity_detail.matches[0].userId).toBe(t.ids.user[CHEN]);
  expect(chen.similarity_detail.matches[0].earlier).toBe("other");
  expect(liu.similarity_detail.matches[0].earlier).toBe("mine");
  // The reviewer sees who wrote it first, on both pages.
  const page = await (await t.http.get(`/meetings/${m}/reflections/${t.ids.user[LIU]}`, SEC)).text();
  expect(page).toContain("刘洋先写");
  const chenPage = await (await t.http.get(`/meetings/${m}/reflections/${t.ids.user[CHEN]}`, SEC)).text();
  expect(chenPage).toContain("刘洋先写");
  // (Both pages are long and Chinese: no stray NUL bytes from React's renderer either.)
  expect(page.includes("\0") || chenPage.includes("\0")).toBe(false);
});

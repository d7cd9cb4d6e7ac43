import { expect, memberPage, test } from "./fixtures";
import { shoot } from "./screens";

// 征求意见 before a 组织生活会 (docs/decisions/032): 陈静 sends an opinion about 黄磊 on her phone
// (an empty one is refused first, nothing lost), sees it under 我提的意见; the 书记 at his desk sees
// it with its sender, sorts it into the 问题清单 and passes it to 黄磊, who sees it without a name.

const SEC = "13800000001"; // 王建国 书记
const CHEN = "13800000005"; // 陈静
const HUANG = "13800000008"; // 黄磊

test("a member sends an opinion on a phone; the 书记 sees the sender and sorts it into the 问题清单", async ({
  browser,
  request,
}) => {
  // Three people and eight captures on a shared machine: more than the default minute.
  test.setTimeout(180_000);
  const tag = `e2e ${Date.now() % 100000}`;
  const [{ id: meetingId }] = (await (
    await request.post("/__e2e/sql", {
      data: {
        query: `insert into meetings (org_id, kind, title, starts_at, ends_at, status, created_by, host_id)
          select o.id, 'life_meeting', $1, now() + interval '5 days', now() + interval '5 days 3 hours', 'scheduled', u.id, u.id
          from organizations o, users u where o.name = '机关第一党支部' and u.username = '${SEC}' returning id`,
        params: [`组织生活会（${tag}）`],
      },
    })
  ).json()) as { id: string }[];
  const text = `黄磊同志发言准备不够充分，建议会前列好提纲（${tag}）`;

  const chen = await memberPage(browser, CHEN, { phone: true });
  await chen.page.goto(`/meetings/${meetingId}`);
  await chen.page.getByTestId("opinions-link").getByRole("link").click();
  await expect(chen.page).toHaveURL(new RegExp(`/meetings/${meetingId}/opinions`));
  await chen.page.getByText("对党员个人的意见").click();
  await chen.page.getByTestId("send-person").selectOption({ label: "黄磊" });
  // Empty: refused with a Chinese message, the choice kept.
  await chen.page.getByRole("button", { name: "提交意见" }).click();
  await expect(chen.page.getByText("请填写意见内容")).toBeVisible();
  await expect(chen.page.getByTestId("send-person")).toHaveValue(/.+/);
  await chen.page.getByTestId("send-text").fill(text);
  await shoot(chen.page, "opinions-send");
  await chen.page.getByRole("button", { name: "提交意见" }).click();
  await expect(chen.page.getByText("意见已提交")).toBeVisible();
  await expect(chen.page.getByTestId("my-opinions")).toContainText(text);
  await expect(chen.page.getByTestId("send-text")).toHaveValue("");
  await shoot(chen.page, "opinions-sent");

  const sec = await memberPage(browser, SEC);
  await sec.page.goto(`/meetings/${meetingId}/opinions`);
  const card = sec.page.getByTestId("opinion").filter({ hasText: text });
  await expect(card.getByTestId("opinion-sender")).toContainText("提出人：陈静");
  await card.getByText("归入问题清单").click();
  await card.getByLabel("问题（可改写，不写提出人）").fill(`会前发言准备不足（${tag}）`);
  await shoot(sec.page, "opinions-committee");
  await card.getByRole("button", { name: "加入问题清单" }).click();
  await expect(sec.page.getByText("已归入本支部问题清单")).toBeVisible();
  await expect(card.getByText("已归入问题清单", { exact: true })).toBeVisible();
  await card.getByRole("button", { name: "转给本人" }).click();
  await expect(card.getByText("已转给本人", { exact: true })).toBeVisible();
  await sec.page.goto(`/orgs/${await branchOf(request, meetingId)}/rectification`);
  await expect(sec.page.getByTestId("problem-item").filter({ hasText: `会前发言准备不足（${tag}）` })).toContainText(
    "来自征求意见",
  );

  const huang = await memberPage(browser, HUANG, { phone: true });
  await huang.page.goto(`/meetings/${meetingId}/opinions`);
  await expect(huang.page.getByTestId("passed-to-me")).toContainText(text);
  await expect(huang.page.getByTestId("passed-to-me")).not.toContainText("陈静");
  await shoot(huang.page, "opinions-passed");

  for (const p of [chen, sec, huang]) expect(p.problems).toEqual([]);
  for (const p of [chen, sec, huang]) await p.context.close();
});

async function branchOf(request: import("@playwright/test").APIRequestContext, meetingId: string) {
  const [{ org_id }] = (await (
    await request.post("/__e2e/sql", {
      data: { query: "select org_id from meetings where id = $1", params: [meetingId] },
    })
  ).json()) as { org_id: string }[];
  return org_id;
}

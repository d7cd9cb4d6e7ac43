import * as Y from "yjs";
import type { Sql } from "../../db/client";
import { examinationDoc, meetingMinutesDoc } from "../../shared/doc-names";
import { defaultRoundOrder } from "../../shared/domain/life-criticism";
import type { Role } from "../../shared/domain/labels";
import { EDITOR_FIELD } from "../../shared/editor/extensions";
import { fillCriticismSection, lifeMinutesOutline, plainText } from "../../shared/editor/minutes";
import { chinaDate, chinaDateKey } from "../../shared/time";
import { storeWritten } from "../collab/persistence";
import { countWords } from "../../shared/domain/text";
import { checkSimilarity } from "../services/life/examination";
import { tidy } from "../services/reflections/records";

// The demo's 组织生活会 cycle (issue 16 §5): 机关第一党支部 prepares this year's meeting (opinions,
// talks, 对照检查材料 in every state) and held last year's, whose 整改清单 the new one looks back
// on. Rows are written as the services write them (server/services/life/*), with times relative to
// the layout's "now" and without audit entries: the seed is not a person, and an audit row would
// count as a person's change (touched in seed.ts). Dates a day can overtake (talk days, deadlines)
// move with each new layout (shiftDemoLife).

const DAY = 86_400_000;

export const LIFE_PREP_TITLE = "组织生活会：学习贯彻党的创新理论，对照检查找差距";
export const LIFE_LAST_TITLE = "组织生活会：对照党章党规，查摆问题抓整改";
export const LIFE_AGENDA = ["回头看：上次组织生活会整改落实情况", "书记带头作对照检查", "开展批评与自我批评"];

/** Who of the branch sits where, for the round's order (as memberships say). */
const ROLES: Record<string, Role[]> = { "13800000001": ["secretary"], "13800000002": ["organization_member"] };

export interface LifeSeedContext {
  id: (username: string) => string;
  name: (username: string) => string;
  branchId: string;
  prepId: string;
  lastId: string;
  /** The held meeting's session (present: usernames). */
  last: { start: Date; present: string[] };
  now: Date;
}

const ago = (now: Date, days: number, hours = 0) => new Date(now.getTime() - days * DAY - hours * 3_600_000);
const dayKey = (now: Date, days: number) => chinaDateKey(new Date(now.getTime() + days * DAY));

/** A live document as its author leaves it: one paragraph per line. */
function paragraphsDoc(lines: string[]): { update: Uint8Array; text: string } {
  const doc = new Y.Doc();
  const items = lines.map((l) => {
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText(l)]);
    return p;
  });
  doc.getXmlFragment(EDITOR_FIELD).insert(0, items);
  const out = { update: Y.encodeStateAsUpdate(doc), text: tidy(plainText(doc)) };
  doc.destroy();
  return out;
}

// ------------------------------------------------------------------------------------------------
// This year's meeting, in preparation

const EXAMINATIONS: Record<string, string[]> = {
  // 李秀英 组织委员: accepted
  "13800000002": [
    "按照支部组织生活会的安排，我认真学习了党章和《关于新形势下党内政治生活的若干准则》，结合组织委员的岗位职责，对照检查如下。",
    "一、存在的问题。一是组织生活记录不够及时，有的支委会会议记录在会后几天才整理完成；二是对党员发展工作跟踪不够细，与入党积极分子的培养谈话偏少；三是与流动党员联系不够经常，主要靠电话和微信。",
    "二、原因分析。主要是把组织工作当作事务性工作来做，满足于按时完成，对制度背后的政治要求思考不深，主动谋划不够。",
    "三、整改措施。会议结束后两个工作日内整理好记录并请主持人审核；每季度至少与每名入党积极分子谈话一次；每月与流动党员联系一次，了解他们参加组织生活的情况。",
  ],
  // 刘洋: returned with a comment and notes on two passages
  "13800000004": [
    "通过集中学习和个人自学，我对照党员标准，认真查摆了自己在思想、工作和作风方面存在的不足。",
    "一、存在的问题。理论学习满足于完成规定任务，学习笔记多是摘抄，联系业务工作思考不够；参加党小组学习时发言准备不充分；工作中有时存在等靠思想，创新意识不强。",
    "二、原因分析。对理论学习的重要性认识不到位，放松了自我要求。",
    "三、整改措施。今后我要加强学习，提高认识，努力做好本职工作，以实际行动发挥党员先锋模范作用，争取在新的一年里取得更大进步。",
  ],
  // 张伟 第一党小组长: submitted, waiting for the 书记
  "13800000003": [
    "作为第一党小组组长，我结合党小组工作和个人实际，进行了认真的对照检查。",
    "一、存在的问题。一是党小组学习形式比较单一，多是读文件、谈体会，组员参与的积极性不高；二是对组员的思想状况了解不深，谈心谈话多在工作间隙匆忙进行；三是个人在业务工作中有畏难情绪，遇到复杂问题有时推给上级。",
    "二、原因分析。一是对党小组长的职责认识不够，把主要精力放在业务上；二是宗旨意识有所淡化，服务组员、服务群众的主动性不强。",
    "三、整改措施。一是每月党小组会安排一名组员领学、一次专题讨论；二是每季度与每名组员至少谈心一次并做好记录；三是年底前牵头解决本科室两项群众反映集中的问题。",
  ],
};

/** The 书记's own, still a draft (reviewed by the 党委 once submitted). */
const SECRETARY_DRAFT = [
  "按照党委关于召开组织生活会的通知要求，我带头学习，广泛征求意见，认真开展谈心谈话，现将个人对照检查情况报告如下。",
  "一、存在的问题。（正在整理征求到的意见，待补充）",
];

async function seedPreparation(t: Sql, c: LifeSeedContext) {
  const { id, now, prepId: m, branchId } = c;
  const SEC = id("13800000001");
  const LI = id("13800000002");
  // Scheduled six days ago: the notice (10 days) is long past, and opinions and talks came after.
  await t`update meetings set created_at = ${ago(now, 6)} where id = ${m}`;

  // 征求意见: to the 支委会, about it, about members, one from the masses (decision 032).
  const opinion = async (o: {
    about: "general" | "committee" | "person";
    aboutPerson?: string;
    sender?: string;
    enteredBy?: string;
    text: string;
    at: Date;
  }) => {
    const [row] = await t<{ id: string }[]>`
      insert into life_opinions (meeting_id, about, about_person_id, sender_id, from_masses, entered_by, text, created_at)
      values (${m}, ${o.about}, ${o.aboutPerson ? id(o.aboutPerson) : null}, ${o.sender ? id(o.sender) : null},
        ${!o.sender}, ${o.enteredBy ? id(o.enteredBy) : null}, ${o.text}, ${o.at})
      returning id`;
    return row.id;
  };
  /** 归入问题清单, as sortOpinion does: a problem of the branch in the sorter's words, no sender. */
  const sort = async (opinionId: string, aboutPerson: string | null, text: string, by: string, at: Date) => {
    const [p] = await t<{ id: string }[]>`
      insert into problem_items (org_id, meeting_id, person_id, source_kind, source_id, text, created_by, created_at)
      values (${branchId}, ${m}, ${aboutPerson ? id(aboutPerson) : null}, 'opinion', ${opinionId}, ${text}, ${id(by)}, ${at})
      returning id`;
    await t`update life_opinions set problem_id = ${p.id}, sorted_at = ${at} where id = ${opinionId}`;
  };
  await opinion({
    about: "general",
    sender: "13800000005",
    text: "建议支委会在组织生活会前把问题清单提前发给大家，便于有针对性地准备对照检查材料。",
    at: ago(now, 5, 3),
  });
  const committee = await opinion({
    about: "committee",
    sender: "13800000006",
    text: "支委会开展谈心谈话还不够经常，有的同志一年只谈过一次，建议建立经常性谈心谈话制度。",
    at: ago(now, 5, 1),
  });
  await sort(committee, null, "支委会谈心谈话不够经常，尚未形成制度", "13800000001", ago(now, 2));
  const aboutLiu = await opinion({
    about: "person",
    aboutPerson: "13800000004",
    sender: "13800000003",
    text: "刘洋同志业务能力强，但参加党小组学习时发言准备不充分，有时照本宣科。",
    at: ago(now, 4, 2),
  });
  await sort(aboutLiu, "13800000004", "参加党小组学习发言准备不充分", "13800000001", ago(now, 2, -1));
  // 转给本人: 刘洋 reads its text (never who wrote it) beside his 对照检查材料.
  await t`update life_opinions set passed_at = ${ago(now, 2, -2)}, passed_by = ${SEC} where id = ${aboutLiu}`;
  const aboutSec = await opinion({
    about: "person",
    aboutPerson: "13800000001",
    sender: "13800000002",
    text: "书记工作任务重，下基层调研次数偏少，对年轻党员的思想状况了解不够。",
    at: ago(now, 3, 4),
  });
  // About the 书记: he does not see it before it is passed; the 组织委员 sorts it.
  await sort(
    aboutSec,
    "13800000001",
    "深入党员群众调研不够，对年轻党员思想状况了解不够",
    "13800000002",
    ago(now, 1, 5),
  );
  await opinion({
    about: "person",
    aboutPerson: "13800000008",
    enteredBy: "13800000001",
    text: "窗口服务对象反映：黄磊同志办事效率高，但解释政策有时不够耐心。",
    at: ago(now, 2, 3),
  });

  // 谈心谈话: four of the eight pairs the branch requires (书记 ↔ everyone), and one between members.
  const talk = async (x: string, y: string, days: number, place: string | null, summary: string, by: string) => {
    const [a, b] = [id(x), id(y)].sort();
    await t`
      insert into talks (meeting_id, person_a, person_b, talked_on, place, online, summary, recorded_by, created_at)
      values (${m}, ${a}, ${b}, ${dayKey(now, -days)}, ${place}, ${place === null}, ${summary}, ${id(by)},
        ${ago(now, days, -2)})`;
  };
  await talk(
    "13800000001",
    "13800000002",
    5,
    "书记办公室",
    "交流支部组织工作的薄弱环节，商定会前把问题清单整理好。",
    "13800000001",
  );
  await talk(
    "13800000001",
    "13800000003",
    4,
    "二楼小会议室",
    "谈了党小组学习形式单一的问题，请他在对照检查中深入剖析。",
    "13800000001",
  );
  await talk(
    "13800000001",
    "13800000004",
    3,
    null,
    "视频谈话。肯定他的业务能力，提醒他学习发言要提前准备、联系实际。",
    "13800000001",
  );
  await talk(
    "13800000001",
    "13800000007",
    2,
    "党员活动室",
    "了解预备期表现和思想状况，鼓励她在组织生活会上敞开思想。",
    "13800000001",
  );
  await talk(
    "13800000003",
    "13800000005",
    2,
    "二楼小会议室",
    "党小组长与组员谈心，交流对党小组学习安排的意见。",
    "13800000003",
  );

  // 对照检查材料: each in its live document (the author's writing), the row as the services leave it.
  const submit = async (author: string, daysAgo: number) => {
    const { update, text } = paragraphsDoc(EXAMINATIONS[author]);
    await storeWritten(t, examinationDoc(m, id(author)), update);
    const at = ago(now, daysAgo);
    const sim = await checkSimilarity(
      t,
      { row: { id: m, org_id: branchId, title: LIFE_PREP_TITLE, starts_at: await startsAt(t, m) } },
      id(author),
      text,
      at,
    );
    await t`
      insert into examinations (meeting_id, user_id, status, submitted_text, word_count, submitted_at, similarity,
        similarity_detail, updated_at)
      values (${m}, ${id(author)}, 'submitted', ${text}, ${countWords(text)}, ${at},
        ${sim.checked ? Math.min(1, sim.score) : null}, ${t.json(sim as never)}, ${at})`;
    return text;
  };
  await submit("13800000002", 4);
  await t`
    update examinations set status = 'accepted', reviewed_by = ${SEC}, reviewed_at = ${ago(now, 3)},
      updated_at = ${ago(now, 3)}
    where meeting_id = ${m} and user_id = ${LI}`;
  const liu = await submit("13800000004", 3);
  // Returned with notes on the 原因分析 and 整改措施 paragraphs (as returnExamination stores them).
  const paragraphs = liu.split("\n");
  const note = (i: number, comment: string) => ({
    paragraph: i,
    n: paragraphs.slice(0, i + 1).filter((l) => l.trim()).length,
    quote: paragraphs[i].trim(),
    comment,
  });
  const notes = [
    note(2, "原因分析过于笼统，请结合具体事例，从理想信念、宗旨意识、纪律作风等方面深入剖析。"),
    note(3, "整改措施要具体，写明时限和可检验的目标，并回应征求到的意见。"),
  ];
  await t`
    update examinations set status = 'returned', reviewed_by = ${SEC}, reviewed_at = ${ago(now, 1)},
      review_comment = ${"问题查摆比较实在，原因分析和整改措施还需深化，请修改后重新提交。"},
      passage_comments = ${t.json(notes as never)}, updated_at = ${ago(now, 1)}
    where meeting_id = ${m} and user_id = ${id("13800000004")}`;
  await submit("13800000003", 1);
  // The 书记 has begun his own (a draft has no row until it is submitted).
  await storeWritten(t, examinationDoc(m, SEC), paragraphsDoc(SECRETARY_DRAFT).update);
}

async function startsAt(t: Sql, meetingId: string): Promise<Date> {
  const [r] = await t<{ starts_at: Date }[]>`select starts_at from meetings where id = ${meetingId}`;
  return r.starts_at;
}

// ------------------------------------------------------------------------------------------------
// Last year's meeting, held, with its 整改清单

/** Each person's part of the round, as the minutes keep it (self-criticism, criticisms, 表态). */
const ROUND: Record<string, { self: string; criticisms: string[]; answer: string }> = {
  "13800000001": {
    self: "抓支部制度落实不够有力，“三会一课”记录有补记现象；深入党员群众谈心不够经常。",
    criticisms: ["希望书记多到科室走走，听听年轻同志的想法。", "支委会议题准备可以更早一些，会前发给委员。"],
    answer: "诚恳接受，会议记录当场整理、会后两天内审核，每季度到每个科室调研一次。",
  },
  "13800000002": {
    self: "组织工作满足于按部就班，党员发展工作跟踪不细。",
    criticisms: ["组织委员工作认真，但通知有时发得太晚，建议提前。"],
    answer: "接受批评，活动通知至少提前三天发出。",
  },
  "13800000005": {
    self: "理论学习坐不住，碎片化阅读多、系统学习少。",
    criticisms: ["陈静同志学习笔记可以多结合业务写体会。"],
    answer: "接受，每月写一篇结合业务的学习体会。",
  },
  "13800000008": {
    self: "服务群众有时急躁，解释政策不够耐心。",
    criticisms: ["窗口工作量大，但对群众的疑问要多解释几句。"],
    answer: "接受，把群众满意作为检验工作的标准。",
  },
  "13800000004": {
    self: "工作中存在等靠思想，主动创新不够。",
    criticisms: ["刘洋同志业务骨干，要在科室里多带新同志。"],
    answer: "接受，明年带一名新同志。",
  },
  "13800000006": {
    self: "参加组织生活有时因业务忙请假，补学不够及时。",
    criticisms: ["请假后的补学要按时完成，不能拖。"],
    answer: "接受，请假后一周内完成补学。",
  },
  "13800000003": {
    self: "党小组学习形式单一，组员参与度不高。",
    criticisms: ["党小组会可以请组员轮流领学。"],
    answer: "接受，从下月起组员轮流领学。",
  },
  "13800000007": {
    self: "作为预备党员，主动向组织汇报思想不够。",
    criticisms: ["预备期要按时交思想汇报。"],
    answer: "接受，每季度向支部交一次思想汇报。",
  },
};

/** Last year's 对照检查材料, accepted before the meeting (郑华, away, never handed his in). */
const LAST_MATERIALS: Record<string, string[]> = {
  "13800000001": [
    "按照党委通知要求，我带头对照党章和《准则》，把自己摆进去，把职责摆进去，查摆了抓支部建设方面的不足。",
    "一、存在的问题。抓制度落实不够有力，“三会一课”记录有会后补记的现象；深入党员群众谈心不够经常，对个别同志的思想变化掌握不及时。",
    "二、整改措施。会议记录当场整理、会后两天内审核；每季度到每个科室调研一次，每半年与每名党员谈心一次。",
  ],
  "13800000002": [
    "作为组织委员，我重点对照支部组织工作条例，检查了组织生活、党员管理和发展党员工作。",
    "一、存在的问题。组织工作满足于按部就班，通知有时发得晚；党员发展工作跟踪不细，培养考察记录不全。",
    "二、整改措施。活动通知至少提前三天发出；建立发展对象培养台账，每季度更新一次，年底前补齐缺失的考察记录。",
  ],
  "13800000003": [
    "结合党小组长的职责，我认真回顾了一年来党小组的工作和个人的思想实际。",
    "一、存在的问题。党小组学习形式单一，多为读文件，组员参与度不高；自己对组员的工作困难关心不够。",
    "二、整改措施。党小组会由组员轮流领学，每月安排一次专题讨论；组员遇到困难时主动了解情况，及时向支部反映。",
  ],
  "13800000004": [
    "我对照合格党员的标准，从学习、工作、作风三个方面查找了自己的差距。",
    "一、存在的问题。工作中存在等靠思想，遇到新情况习惯按老办法处理，主动创新不够；作为业务骨干，带新同志不主动。",
    "二、整改措施。每季度提出一条改进业务流程的建议；明年与一名新入职同志结对，手把手传授办理业务的方法。",
  ],
  "13800000005": [
    "对照党员义务，我重点检查了理论学习和发挥作用方面的情况。",
    "一、存在的问题。理论学习坐不住，手机上碎片化阅读多，系统读原著少；学习笔记停留在摘抄，结合业务思考不够。",
    "二、整改措施。制定个人学习计划，每周至少安排两个晚上系统学习；每月撰写一篇结合窗口业务的学习体会交党小组。",
  ],
  "13800000006": [
    "我结合参加组织生活的情况，对自己的党性修养进行了检查。",
    "一、存在的问题。参加组织生活有时因出差、业务忙请假，请假后补学拖得较久；对支部活动的安排提建议少。",
    "二、整改措施。除因公出差外不请假；请假后一周内完成补学并向党小组长报告；每次主题党日前主动提一条建议。",
  ],
  "13800000007": [
    "作为预备党员，我对照入党誓词和预备期的要求，检查了一年来的表现。",
    "一、存在的问题。主动向党组织汇报思想不够，思想汇报常常拖到最后才交；在科室里发挥作用不明显。",
    "二、整改措施。每季度第一周向支部交一次思想汇报；主动承担科室的急难任务，请入党介绍人随时提醒和监督。",
  ],
  "13800000008": [
    "结合窗口服务岗位，我对照“全心全意为人民服务”的宗旨查摆了自己的问题。",
    "一、存在的问题。服务群众有时急躁，业务高峰时对群众的反复询问不够耐心，解释政策简单化。",
    "二、整改措施。参加一次服务礼仪培训；把常见政策问题整理成问答放在窗口；以服务对象满意度检验整改效果。",
  ],
};

/** The 整改清单 of last year's meeting: three closed (对单销号), one reported, one open, one overdue. */
const ITEMS: {
  problem: string;
  measures: string;
  commitment: string;
  owner: string | null;
  /** Days from the layout's "now" (negative: past). */
  deadline: number;
  status: "closed" | "reported" | "open";
  report?: string;
  /** As a problem of the 问题清单 first (source_kind 'problem'), sorted from this opinion. */
  fromProblem?: { sender: string; about: "committee" | "person"; opinion: string };
}[] = [
  {
    problem: "“三会一课”记录不够规范，个别会议记录会后补记",
    measures: "记录人当场记录，会后两个工作日内整理并请主持人审核；组织委员每季度检查一次",
    commitment: "年内不再出现补记会议记录的情况",
    owner: null,
    deadline: -260,
    status: "closed",
    report: "已建立会议记录当场整理、两日内审核制度，支委会已检查两个季度的记录。",
    fromProblem: {
      sender: "13800000006",
      about: "committee",
      opinion: "支部有的会议记录是会后补的，内容简单，建议记录人当场记好。",
    },
  },
  {
    problem: "党小组学习形式单一，组员参与度不高",
    measures: "党小组会由组员轮流领学，每月安排一次专题讨论",
    commitment: "每名组员一年至少领学一次",
    owner: "13800000003",
    deadline: -200,
    status: "closed",
    report: "第一党小组已安排组员轮流领学，全年专题讨论 10 次。",
    fromProblem: {
      sender: "13800000005",
      about: "person",
      opinion: "第一党小组的学习基本是读文件，希望张伟组长多组织讨论，让大家都参与进来。",
    },
  },
  {
    problem: "理论学习碎片化，系统学习不够",
    measures: "制定个人学习计划，每月撰写一篇结合业务的学习体会",
    commitment: "按月完成学习体会",
    owner: "13800000005",
    deadline: -150,
    status: "closed",
    report: "已按计划完成学习，学习体会 8 篇已交党小组。",
  },
  {
    problem: "业务骨干传帮带作用发挥不够",
    measures: "与一名新入职同志结对，每月交流一次工作方法",
    commitment: "结对一年，帮助新同志独立承担业务",
    owner: "13800000004",
    deadline: 5,
    status: "reported",
    report: "已与新同志结对九个月，每月交流一次，新同志已能独立办理常规业务。",
  },
  {
    problem: "请假后补学不够及时",
    measures: "请假后一周内完成补学并向党小组长报告",
    commitment: "补学不过周",
    owner: "13800000006",
    deadline: 25,
    status: "open",
  },
  {
    problem: "窗口服务中解释政策不够耐心",
    measures: "参加一次服务礼仪培训，整理常见政策问答放在窗口",
    commitment: "服务对象满意度不低于 95%",
    owner: "13800000008",
    deadline: -12,
    status: "open",
  },
];

async function seedLastYear(t: Sql, c: LifeSeedContext) {
  const { id, name, now, lastId: m, branchId } = c;
  const SEC = id("13800000001");
  const start = c.last.start;
  await t`update meetings set created_at = ${new Date(start.getTime() - 20 * DAY)} where id = ${m}`;
  // Signed in with the room's code at a meeting held in a room: 现场, as attendance.ts records it.
  await t`update attendance set mode = 'onsite' where meeting_id = ${m} and status in ('present', 'late', 'left_early')`;

  // The minutes follow the 组织生活会's outline (lifeMinutesSeed): nothing to look back on then (the
  // first year the branch kept it here), then each person in the round's order, then the decisions.
  const invitees = await t<{ user_id: string }[]>`
    select user_id from meeting_invitees where meeting_id = ${m} and role = 'attendee'`;
  const usernames = new Map(
    (await t<{ id: string; username: string }[]>`select id, username from users`).map((u) => [u.id, u.username]),
  );
  const people = defaultRoundOrder(
    invitees.map((i) => {
      const u = usernames.get(i.user_id)!;
      return { id: i.user_id, name: name(u), roles: ROLES[u] ?? [], username: u };
    }),
  );
  const doc = new Y.Doc();
  Y.applyUpdate(
    doc,
    lifeMinutesOutline(
      [],
      people.map((p) => p.name),
    ),
  );
  for (const p of people) {
    const r = ROUND[p.username];
    const lines =
      !r || !c.last.present.includes(p.username)
        ? [`${p.name}：缺席，未进行批评与自我批评。`]
        : [`自我批评：${r.self}`, ...r.criticisms.map((x, i) => `批评意见 ${i + 1}：${x}`), `表态：${r.answer}`];
    fillCriticismSection(doc, p.name, lines);
  }
  // The decisions: the outline's last empty line.
  const last = doc
    .getXmlFragment(EDITOR_FIELD)
    .toArray()
    .filter((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === "paragraph" && n.length === 0)
    .at(-1);
  last?.insert(0, [new Y.XmlText("会议决定：形成支部整改清单 6 项，明确责任人和完成时限，由书记对单销号。")]);
  await storeWritten(t, meetingMinutesDoc(m), Y.encodeStateAsUpdate(doc));
  doc.destroy();

  // The 整改清单, made at the meeting (problems first where the 书记 listed them), reported and closed since.
  const made = new Date(c.last.start.getTime() + 3 * DAY);
  for (const [i, it] of ITEMS.entries()) {
    let source: { kind: string; id: string | null } = { kind: "manual", id: null };
    if (it.fromProblem) {
      // 征求意见 before the meeting, sorted into the 问题清单 by the 书记 (as sortOpinion does).
      const o = it.fromProblem;
      const sent = new Date(start.getTime() - (15 - i) * DAY);
      const [op] = await t<{ id: string }[]>`
        insert into life_opinions (meeting_id, about, about_person_id, sender_id, text, created_at)
        values (${m}, ${o.about}, ${o.about === "person" && it.owner ? id(it.owner) : null}, ${id(o.sender)},
          ${o.opinion}, ${sent})
        returning id`;
      const sorted = new Date(sent.getTime() + DAY);
      const [p] = await t<{ id: string }[]>`
        insert into problem_items (org_id, meeting_id, person_id, source_kind, source_id, text, created_by, created_at)
        values (${branchId}, ${m}, ${it.owner ? id(it.owner) : null}, 'opinion', ${op.id}, ${it.problem}, ${SEC}, ${sorted})
        returning id`;
      await t`update life_opinions set problem_id = ${p.id}, sorted_at = ${sorted} where id = ${op.id}`;
      source = { kind: "problem", id: p.id };
    }
    const owner = it.owner ? id(it.owner) : null;
    const deadline = dayKey(now, it.deadline);
    // Reported a week before the deadline (or, for the one waiting now, two days ago); closed two days later.
    const reportedAt = it.status === "reported" ? ago(now, 2) : new Date(chinaDate(deadline)!.getTime() - 7 * DAY);
    const closedAt = new Date(reportedAt.getTime() + 2 * DAY);
    await t`
      insert into rectification_items (org_id, meeting_id, source_kind, source_id, problem, measures, owner_id,
        deadline, commitment, status, report_note, reported_at, reported_by, closed_at, closed_by, created_by, created_at)
      values (${branchId}, ${m}, ${source.kind}, ${source.id}, ${it.problem}, ${it.measures}, ${owner},
        ${deadline}::date, ${it.commitment}, ${it.status}, ${it.report ?? null},
        ${it.report ? reportedAt : null}, ${it.report ? (owner ?? SEC) : null},
        ${it.status === "closed" ? closedAt : null}, ${it.status === "closed" ? SEC : null}, ${SEC},
        ${new Date(made.getTime() + i * 60_000)})`;
  }

  // The preparation it had: an offline study, the 书记's talks with everyone, the materials accepted.
  await t`
    insert into life_offline_studies (meeting_id, studied_on, hours, topic, recorded_by, recorded_at)
    values (${m}, ${chinaDateKey(new Date(start.getTime() - 9 * DAY))}, 4, '集中学习党章和《关于新形势下党内政治生活的若干准则》',
      ${SEC}, ${new Date(start.getTime() - 9 * DAY)})`;
  const talkers = Object.keys(LAST_MATERIALS)
    .filter((u) => u !== "13800000001")
    .concat("13800000012");
  for (const [i, u] of talkers.entries()) {
    const [a, b] = [SEC, id(u)].sort();
    const on = new Date(start.getTime() - (12 - i) * DAY);
    await t`
      insert into talks (meeting_id, person_a, person_b, talked_on, place, online, summary, recorded_by, created_at)
      values (${m}, ${a}, ${b}, ${chinaDateKey(on)}, ${u === "13800000012" ? null : "书记办公室"}, ${u === "13800000012"},
        ${`会前谈心，听取${name(u)}对支部工作的意见，互相指出需要改进的地方。`}, ${SEC}, ${on})`;
  }
  for (const [i, [u, lines]] of Object.entries(LAST_MATERIALS).entries()) {
    const { update, text } = paragraphsDoc(lines);
    await storeWritten(t, examinationDoc(m, id(u)), update);
    const at = new Date(start.getTime() - (6 - i * 0.25) * DAY);
    const sim = await checkSimilarity(
      t,
      { row: { id: m, org_id: branchId, title: LIFE_LAST_TITLE, starts_at: start } },
      id(u),
      text,
      at,
    );
    // The 书记's own is reviewed by the 党委 above (周志强), the others by the 书记.
    const reviewer = u === "13800000001" ? id("13800000009") : SEC;
    const reviewed = new Date(at.getTime() + DAY);
    await t`
      insert into examinations (meeting_id, user_id, status, submitted_text, word_count, submitted_at, reviewed_by,
        reviewed_at, similarity, similarity_detail, updated_at)
      values (${m}, ${id(u)}, 'accepted', ${text}, ${countWords(text)}, ${at}, ${reviewer}, ${reviewed},
        ${sim.checked ? Math.min(1, sim.score) : null}, ${t.json(sim as never)}, ${reviewed})`;
  }

  // Reported upward: the plan before, the outcome with the 整改清单's counts after (reports.ts).
  await t`
    insert into life_reports (meeting_id, stage, reported_by, reported_at, detail)
    values (${m}, 'plan', ${SEC}, ${new Date(start.getTime() - 12 * DAY)},
      ${t.json({ title: LIFE_LAST_TITLE, startsAt: start.toISOString(), location: "机关办公楼三楼党员活动室" })})`;
  await t`
    insert into life_reports (meeting_id, stage, reported_by, reported_at, detail)
    values (${m}, 'outcome', ${SEC}, ${new Date(start.getTime() + 5 * DAY)},
      ${t.json({ title: LIFE_LAST_TITLE, rectification: { total: ITEMS.length, closed: 0, open: ITEMS.length, overdue: 0 } })})`;
}

export async function seedDemoLife(t: Sql, c: LifeSeedContext) {
  await seedLastYear(t, c);
  await seedPreparation(t, c);
}

/**
 * A new layout for `now`: the days a person would have noted (talk days, 整改 deadlines) move by
 * the days between the layouts, so a talk stays in the past and an open item neither falls due
 * nor becomes overdue by itself. Times the demo's change check reads (created_at, reported_at …)
 * stay where the first layout put them.
 */
export async function shiftDemoLife(t: Sql, meetingIds: string[], from: Date, now: Date) {
  const days = Math.round((chinaDate(chinaDateKey(now))!.getTime() - chinaDate(chinaDateKey(from))!.getTime()) / DAY);
  if (days === 0) return;
  await t`update talks set talked_on = talked_on + ${days}::int where meeting_id = any(${meetingIds}::uuid[])`;
  await t`
    update life_offline_studies set studied_on = studied_on + ${days}::int where meeting_id = any(${meetingIds}::uuid[])`;
  await t`
    update rectification_items set deadline = deadline + ${days}::int where meeting_id = any(${meetingIds}::uuid[])`;
}

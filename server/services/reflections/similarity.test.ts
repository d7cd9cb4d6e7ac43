import { describe, expect, it } from "vitest";
import {
  FLAG_THRESHOLD,
  MIN_CHARS,
  characterSegmenter,
  compareReflections,
  normalise,
  words,
  type Passage,
} from "./similarity";

// Real reflections, written for these tests: one original, a light-edit copy of it, two honest ones
// on the same study topic quoting the same material, and the first author's earlier reflection.

// 原文：街道便民服务中心窗口的党员
const ORIGINAL = `7月以来，支部组织我们集中学习了党的二十届三中全会通过的《中共中央关于进一步全面深化改革、推进中国式现代化的决定》。我反复读了两遍原文，又对照自己在街道便民服务中心窗口的工作想了想，有几点体会，写下来向支部汇报。

一、改革不是离我们很远的事。过去我总觉得“全面深化改革”是中央和部委的事情，基层窗口只要按流程办就行。这次学习《决定》里讲“坚持以人民为中心，尊重人民主体地位和首创精神”，我一下子想到上个月来办退休手续的王阿姨。她为了一个养老金资格认证，在社区、街道和社保所之间跑了三趟，最后还是因为一张复印件不清楚被退回。群众跑的每一趟冤枉路，背后都是我们流程里没打通的一个环节。改革要从这些具体的堵点改起。

二、要敢于从自己手上的流程改起。中心今年推行“高效办成一件事”，把新生儿出生、退休、企业开办等事项打包成一张表。刚开始我是有顾虑的，担心材料合并以后出错要担责任。后来科长带着我们把二十多个表格逐项比对，发现有将近一半的信息是重复填写的。去掉重复项以后，退休一件事的平均办理时间从原来的五个工作日压到了两个工作日，窗口的投诉也明显少了。这件事让我明白，守正创新不是一句口号，守正是守住政策的底线，创新是把群众的麻烦变成我们的功课。

三、要把学习落到能力上。《决定》提出要健全城乡基层治理体系，推进基层治理数字化。我们中心的自助终端去年就上线了，可是老年人用得很少。我利用业余时间整理了一份带截图的操作指南，在三个社区的老年活动室各讲了一次，现在每周都有十几位老人能自己打印社保证明。我体会到，数字化不能只看系统上线了没有，还要看最需要的人会不会用、愿不愿用。

作为一名有八年党龄的党员，我也看到自己的差距：有时候遇到政策没有明确规定的情况，第一反应是往上推，而不是想办法解决。今后我要做到三点：一是每月至少精读一篇《决定》的辅导文章，把政策吃透；二是在窗口建立一本“疑难事项台账”，每周和同事一起研究一次，能在中心解决的不出中心；三是继续做好老年人的帮办服务，争取年底前让辖区六个社区都开一次讲座。

不忘初心、牢记使命。改革的成效最终要让群众来评判，我愿意在自己的岗位上把每一件小事办实、办好。`;

// 抄袭稿：同义词替换、两句调换、加一段自己的话、标点改动
const COPIED = `七月份以来，支部组织大家集中学习了党的二十届三中全会审议通过的《中共中央关于进一步全面深化改革、推进中国式现代化的决定》！我认真读了两遍原文，又结合自己在街道便民服务中心窗口的工作思考了一下，有几点体会，写出来向支部汇报；

首先，改革并不是离我们很远的事。以前我总认为「全面深化改革」是中央和部委的事情，基层窗口只需要按流程办就可以。这次学习《决定》里讲「坚持以人民为中心，尊重人民主体地位和首创精神」，我马上想到上个月来办退休手续的王阿姨：她为了一个养老金资格认证，在社区、街道和社保所之间跑了3趟，最后还是因为一张复印件不清楚被退回。改革要从这些具体的堵点改起。群众跑的每一趟冤枉路，背后都是我们流程里没打通的一个环节。

其次，要敢于从自己手上的流程改起。中心今年推行「高效办成一件事」，把新生儿出生、退休、企业开办等事项打包成一张表。刚开始我是有担心的，怕材料合并以后出错要担责任。后来科长带领我们把二十多个表格逐项比对，发现有将近一半的信息是重复填写的。去掉重复项以后，退休一件事的平均办理时间从原来的五个工作日压缩到了两个工作日，窗口的投诉也明显少了。这件事让我懂得，守正创新不是一句口号，守正是守住政策的底线，创新是把群众的麻烦变成我们的功课。

我还想到，我们科室的年轻同志多，平时大家在业务群里交流得很热闹，但是真正坐下来一起研究政策的时候不多。下一步我想牵头在科室里搞一个读书小组，每两周挑一个大家工作中遇到的真实问题，对照文件一起讨论，讨论的结果整理出来给新来的同事做参考。

再次，要把学习落到能力上。《决定》提出要健全城乡基层治理体系，推进基层治理数字化。我们中心的自助终端去年就已经上线了，可是老年人用得很少。我利用业余时间整理了一份带截图的操作指南，在三个社区的老年活动室各讲了一次，目前每周都有十几位老人能自己打印社保证明。我体会到，数字化不能只看系统上线了没有，还要看最需要的人会不会用、愿不愿用。

作为一名有八年党龄的党员，我也看到了自己的不足：有时候遇到政策没有明确规定的情况，第一反应是往上推，而不是想办法解决。今后我要做到三点：一是每月至少精读一篇《决定》的辅导文章，把政策吃透；二是在窗口建立一本「疑难事项台账」，每周和同事一起研究一次，能在中心解决的不出中心；三是继续做好老年人的帮办服务，争取年底前让辖区六个社区都开一次讲座。

不忘初心，牢记使命！改革的成效最终要让群众来评判，我愿意在自己的岗位上把每一件小事办实办好。`;

// 独立写作一：社区卫生服务中心的医生
const HONEST_DOCTOR = `这次支部集中学习党的二十届三中全会精神，我重点读了《中共中央关于进一步全面深化改革、推进中国式现代化的决定》中关于深化医药卫生体制改革的部分，结合在社区卫生服务中心做家庭医生的经历，谈几点认识。

第一点认识是，改革开放是党和人民事业大踏步赶上时代的重要法宝，这句话我以前只是在书上读到，这次有了切身感受。十年前我刚到中心时，居民看个感冒也要去区医院排队，我们这里门可罗雀。这些年推行分级诊疗、家庭医生签约，慢性病患者可以在家门口拿到和大医院一样的药，我签约的四百多位居民里，有一百二十多位高血压患者每个月固定来随访。没有改革，就没有这些变化。

第二点认识是，坚持以人民为中心，尊重人民主体地位和首创精神，不能停留在口头上。去年冬天流感高峰，一位独居的张大爷发烧在家没人管，是楼长在居民群里喊了一声，我们才知道。后来我们和居委会商量，把签约居民里的独居老人单独建档，由楼长、网格员和家庭医生三方每周互通一次情况。这个办法是居民自己想出来的，我们只是把它固定下来。

第三点认识是，守正创新要落在具体的服务上。《决定》提出健全城乡基层治理体系，我理解卫生健康工作也是基层治理的一部分。我们中心今年试着把夜间门诊延长到八点半，方便上班族下班后来复诊；还开通了线上续方，稳定期的慢病患者不用每次都跑一趟。刚开始有同事担心人手不够，排班调整了三轮才稳定下来，但患者的满意度明显提高了。

对照《决定》的要求，我也有不少欠缺。业务上，对新的医保支付方式研究得不够，有时候患者问起报销比例，我答得不够准确；思想上，偶尔会觉得基层医生做得再多也没人看见。今后我打算把医保政策系统学一遍，整理一张常见问题的解答卡片放在诊室；同时带好科室新来的两名年轻医生，让他们尽快能独立开展签约服务。

不忘初心、牢记使命，对一名社区医生来说，就是让居民有病能及时看、看得起、信得过。我会在自己的岗位上继续努力。`;

// 独立写作二：小学教师
const HONEST_TEACHER = `按照支部的学习安排，我认真学习了党的二十届三中全会公报和《中共中央关于进一步全面深化改革、推进中国式现代化的决定》，又听了区委宣讲团的专题辅导。作为一名在小学任教十五年的党员教师，我想结合学校的实际谈谈自己的体会。

学习中印象最深的是《决定》对教育综合改革的部署。文件把教育、科技、人才放在一起统筹谋划，这让我认识到，我们每天在课堂上做的事情，和国家的长远发展是连在一起的。过去我们习惯用分数衡量孩子，作业多、考试多，家长焦虑，孩子疲惫。“双减”实施以来，我们年级组重新设计了作业，把每天的书面作业控制在四十分钟以内，多布置一些观察、动手和阅读的任务。一学期下来，班上愿意主动举手发言的孩子多了，家长在家长会上的抱怨也少了。

《决定》强调坚持以人民为中心，尊重人民主体地位和首创精神。放到学校里，我理解就是要真正听家长和孩子的声音。我们班有几位家长是双职工，放学后没人接孩子，以前只能在校门口等。今年学校开设了课后服务，我主动报名承担了周二和周四的阅读课，和孩子们一起读《小英雄雨来》《草房子》这样的书。有个平时不爱说话的男孩，后来在班会上给大家讲了一整段雨来的故事，那一刻我觉得这份工作特别值得。

改革开放是党和人民事业大踏步赶上时代的重要法宝。教育改革也一样，守正创新，既要守住立德树人的根本，也要敢于改变不适应的做法。我反思自己，在使用新教材、开展跨学科主题学习方面还比较保守，总怕影响教学进度。下学期我准备和科学老师合作，带孩子们在校园里做一次“植物观察”的综合实践活动，边做边总结。

今后，我要把学习全会精神和做好本职工作结合起来：一是每学期至少上一节公开课，接受同事的批评和建议；二是坚持每月家访两户困难家庭；三是带好新入职的青年教师。不忘初心、牢记使命，做一名让学生喜欢、让家长放心的老师。`;

// 本人早先的心得：学习《中国共产党支部工作条例（试行）》
const EARLIER_OWN = `通过学习《中国共产党支部工作条例（试行）》，我对党支部是党的基础组织、是党在社会基层组织中的战斗堡垒有了更清楚的认识。条例对“三会一课”、主题党日、组织生活会都作了明确规定。回头看我们支部，以前开会有时候就是读读文件，大家坐在下面各忙各的，效果不好。今年支部换届以后，新支委把每次学习都和窗口业务结合起来，比如讲到密切联系群众，就请窗口的同事讲讲最近遇到的难办的事，大家一起出主意。我自己作为一名普通党员，要按时参加组织生活，按时足额交纳党费，在窗口工作中亮明身份，遇到群众不理解的时候多一分耐心。下一步，我准备主动向支部申请承担一次主题党日的组织工作，锻炼自己的能力。`;

// 本人旧文换个开头再交一次
const RECYCLED_OWN = `这个季度支部组织学习了党章和有关党内法规，我结合自己的工作谈几点认识。

${EARLIER_OWN.replace("通过学习《中国共产党支部工作条例（试行）》，", "").replace("下一步，", "今后，")}`;

// 会议材料（参考文本）
const MATERIAL = `学习材料：《中共中央关于进一步全面深化改革、推进中国式现代化的决定》。
要点：改革开放是党和人民事业大踏步赶上时代的重要法宝。坚持以人民为中心，尊重人民主体地位和首创精神。坚持守正创新。健全城乡基层治理体系，推进基层治理数字化。
口号：不忘初心、牢记使命。`;

const only = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, "");

/** Share of the letters and digits of text[start, end) that some passage covers. */
function coverage(text: string, passages: Passage[], start: number, end: number): number {
  let all = 0;
  let covered = 0;
  for (let i = start; i < end; i++) {
    if (!/[\p{L}\p{N}]/u.test(text[i])) continue;
    all++;
    if (passages.some((p) => p.start <= i && i < p.end)) covered++;
  }
  return all === 0 ? 0 : covered / all;
}

function spanOf(text: string, sentence: string): [number, number] {
  const at = text.indexOf(sentence);
  if (at < 0) throw new Error(`not in the text: ${sentence}`);
  return [at, at + sentence.length];
}

const session = {
  original: ORIGINAL,
  doctor: HONEST_DOCTOR,
  teacher: HONEST_TEACHER,
};
const others = (except: string[] = [], extra: Record<string, string> = {}) =>
  Object.entries({ ...session, ...extra })
    .filter(([id]) => !except.includes(id))
    .map(([id, text]) => ({ id, text }));

describe("normalisation and words", () => {
  it("keeps each word's offsets in the original text", () => {
    const text = "学习贯彻党的二十届三中全会精神，\n不忘初心、牢记使命！";
    const ws = words(text);
    expect(ws.map((w) => w.w)).toEqual(
      expect.arrayContaining(["学习", "贯彻", "三中全会", "精神", "初心", "牢记", "使命"]),
    );
    for (const w of ws) expect(text.slice(w.start, w.end)).toBe(w.w);
  });

  it("drops function words and the intensifiers a copier swaps in", () => {
    const text = "我们要认真学习、深入领会全会精神，并且进一步把它落实到工作中去。";
    const ws = words(text);
    for (const stop of ["我们", "要", "认真", "深入", "并且", "进一步", "把"])
      expect(ws.map((w) => w.w)).not.toContain(stop);
    expect(ws.map((w) => w.w)).toEqual(expect.arrayContaining(["学习", "领会", "落实", "工作"]));
    // 认真学习 is one word in jieba's dictionary: it becomes 学习, pointing at 学习 in the original
    const study = ws.find((w) => w.w === "学习")!;
    expect(text.slice(study.start, study.end)).toBe("学习");
    expect(words("深入学习").map((w) => w.w)).toEqual(["学习"]);
  });

  it("folds full-width letters and digits to half-width and lower case, with offsets into the original", () => {
    const text = "用ＰＰＴ和Excel整理了２０２４年的12345热线工单";
    const ws = words(text);
    expect(ws.map((w) => w.w)).toEqual(expect.arrayContaining(["ppt", "excel", "2024", "12345", "热线"]));
    const ppt = ws.find((w) => w.w === "ppt")!;
    expect(text.slice(ppt.start, ppt.end)).toBe("ＰＰＴ");
  });

  it("treats punctuation as a separator and ignores spaces and invisible characters between Chinese characters", () => {
    expect(normalise("学 习\u200b贯　彻，Hello  World。").norm).toBe("学习贯彻\nhello\nworld");
  });
});

describe("a copied reflection with light edits", () => {
  const result = compareReflections(COPIED, others());
  const copy = result.matches.find((m) => m.otherId === "original")!;

  it("is flagged against the reflection it was copied from, and only that one", () => {
    expect(result.checked).toBe(true);
    expect(result.flagged).toBe(true);
    expect(result.score).toBeGreaterThanOrEqual(FLAG_THRESHOLD);
    expect(result.matches[0].otherId).toBe("original");
    for (const m of result.matches.filter((m) => m.otherId !== "original"))
      expect(m.score).toBeLessThan(FLAG_THRESHOLD);
  });

  it("points its passages at the copied sentences, edited, reordered or not", () => {
    for (const sentence of [
      // synonyms swapped (带着 → 带领, 压 → 压缩)
      "后来科长带领我们把二十多个表格逐项比对，发现有将近一半的信息是重复填写的。",
      "去掉重复项以后，退休一件事的平均办理时间从原来的五个工作日压缩到了两个工作日",
      // moved after the sentence that followed it
      "群众跑的每一趟冤枉路，背后都是我们流程里没打通的一个环节。",
      // punctuation changed (“” → 「」)
      "中心今年推行「高效办成一件事」，把新生儿出生、退休、企业开办等事项打包成一张表。",
      "我利用业余时间整理了一份带截图的操作指南，在三个社区的老年活动室各讲了一次",
      "一是每月至少精读一篇《决定》的辅导文章，把政策吃透",
    ]) {
      const [start, end] = spanOf(COPIED, sentence);
      expect(coverage(COPIED, copy.passages, start, end), sentence).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("leaves the paragraph the copier wrote themselves unmarked", () => {
    const [start, end] = spanOf(COPIED, "我还想到，我们科室的年轻同志多");
    const own = [start, COPIED.indexOf("\n", end)] as const;
    expect(coverage(COPIED, copy.passages, own[0], own[1])).toBeLessThan(0.1);
  });

  it("gives each passage its text and where it is in the other reflection", () => {
    for (const p of copy.passages) {
      expect(p.text).toBe(COPIED.slice(p.start, p.end));
      expect(p.otherEnd).toBeGreaterThan(p.otherStart);
    }
    const [start] = spanOf(COPIED, "后来科长带领我们");
    const p = copy.passages.find((p) => p.start <= start && start < p.end)!;
    const [oStart, oEnd] = spanOf(ORIGINAL, "后来科长带着我们把二十多个表格逐项比对");
    expect(p.otherStart).toBeLessThanOrEqual(oStart);
    expect(p.otherEnd).toBeGreaterThanOrEqual(oEnd);
    expect(only(ORIGINAL.slice(p.otherStart, p.otherEnd))).toContain(only("发现有将近一半的信息是重复填写的"));
  });

  it("flags the original too, so the secretary sees the pair from both sides", () => {
    const back = compareReflections(ORIGINAL, others(["original"], { copied: COPIED }));
    expect(back.flagged).toBe(true);
    expect(back.matches[0].otherId).toBe("copied");
  });

  it("stays flagged when the session's material is given as reference", () => {
    const withMaterial = compareReflections(COPIED, others(), { reference: [MATERIAL] });
    expect(withMaterial.flagged).toBe(true);
    expect(withMaterial.matches[0].otherId).toBe("original");
  });

  it("is flagged when a short reflection is copied whole into a longer text of one's own", () => {
    const padded = `${HONEST_DOCTOR}\n\n${EARLIER_OWN}`;
    const r = compareReflections(padded, [{ id: "earlier", text: EARLIER_OWN }]);
    expect(r.matches[0].containment).toBeLessThan(FLAG_THRESHOLD); // most of the text is the doctor's own
    expect(r.matches[0].reverse).toBeGreaterThanOrEqual(FLAG_THRESHOLD); // but all of the other is in it
    expect(r.flagged).toBe(true);
  });
});

describe("honest reflections on the same topic", () => {
  it("are not flagged, though they quote the same material and share the topic's words", () => {
    for (const [id, text] of Object.entries(session)) {
      const r = compareReflections(
        text,
        others([id], { copied: COPIED }).filter((o) => !(id === "original" && o.id === "copied")),
      );
      expect(r.checked, id).toBe(true);
      expect(r.flagged, id).toBe(false);
      expect(r.score, id).toBeLessThan(FLAG_THRESHOLD);
    }
  });

  it("share only passages of the material, which drop out when it is given as reference", () => {
    const plain = compareReflections(HONEST_DOCTOR, others(["doctor"]));
    const withMaterial = compareReflections(HONEST_DOCTOR, others(["doctor"]), { reference: [MATERIAL] });
    const slogan = "坚持以人民为中心，尊重人民主体地位和首创精神";
    const [start, end] = spanOf(HONEST_DOCTOR, slogan);
    const all = (r: typeof plain) => r.matches.flatMap((m) => m.passages);
    expect(coverage(HONEST_DOCTOR, all(plain), start, end)).toBeGreaterThan(0.9);
    expect(coverage(HONEST_DOCTOR, all(withMaterial), start, end)).toBe(0);
    expect(withMaterial.score).toBeLessThan(plain.score);
    expect(withMaterial.quoted).toBeGreaterThan(0);
    expect(withMaterial.flagged).toBe(false);
  });

  it("are not flagged against the author's own earlier reflection on another topic", () => {
    const r = compareReflections(ORIGINAL, [{ id: "earlier", text: EARLIER_OWN }]);
    expect(r.flagged).toBe(false);
  });
});

describe("the author's own earlier reflections", () => {
  it("flag an earlier reflection handed in again under a new opening", () => {
    const r = compareReflections(RECYCLED_OWN, [...others(), { id: "earlier", text: EARLIER_OWN }]);
    expect(r.flagged).toBe(true);
    expect(r.matches[0].otherId).toBe("earlier");
    const [start, end] = spanOf(RECYCLED_OWN, "党支部是党的基础组织");
    expect(coverage(RECYCLED_OWN, r.matches[0].passages, start, end)).toBe(1);
  });
});

describe("edge cases", () => {
  it("gives no verdict on an empty text", () => {
    expect(compareReflections("", others())).toEqual({
      score: 0,
      flagged: false,
      checked: false,
      quoted: 0,
      matches: [],
    });
    expect(compareReflections("  \n。，！ ", others()).checked).toBe(false);
  });

  it("compares with nothing when there are no others or they are empty", () => {
    expect(compareReflections(ORIGINAL, [])).toMatchObject({ score: 0, flagged: false, checked: true, matches: [] });
    expect(compareReflections(ORIGINAL, [{ id: "empty", text: "" }]).matches).toEqual([]);
  });

  it("gives no verdict on a very short text, even one identical to another", () => {
    const short = "认真学习了全会精神，很受教育，今后要把学到的用到窗口工作中去。";
    expect(only(short).length).toBeLessThan(MIN_CHARS);
    const r = compareReflections(short, [{ id: "same", text: short }]);
    expect(r.checked).toBe(false);
    expect(r.flagged).toBe(false);
  });

  it("scores an identical text 1, with one passage from its first word to its last", () => {
    const r = compareReflections(ORIGINAL, [{ id: "same", text: ORIGINAL }]);
    expect(r.score).toBe(1);
    expect(r.flagged).toBe(true);
    expect(r.matches[0].jaccard).toBe(1);
    expect(r.matches[0].passages).toHaveLength(1);
    expect(coverage(ORIGINAL, r.matches[0].passages, 0, ORIGINAL.length)).toBeGreaterThan(0.99);
  });

  it("sees through full-width and half-width forms, letter case and spacing", () => {
    const text =
      "今年我们用Excel表格和PPT课件做了12次“微党课”，覆盖党员86名；在12345热线转来的2024年第3季度工单里，" +
      "涉及老旧小区加装电梯的有37件，我们逐件上门核实，形成了一份3000字的调研报告，报送街道工委。" +
      "下一步准备把调研中发现的问题分成A、B两类，A类当月解决，B类纳入年度计划。";
    const disguised = text
      .replace("Excel", "ＥＸＣＥＬ")
      .replace("PPT", "ｐｐｔ")
      .replace("12345", "１２３４５")
      .replace(/，/g, ", ")
      .replace(/。/g, ". ")
      .replace(/“|”/g, '"')
      .replace("调研报告", "调 研 报 告")
      .replace("加装电梯", "加装\u200b电梯");
    const r = compareReflections(disguised, [{ id: "source", text }]);
    expect(r.score).toBe(1);
    expect(r.flagged).toBe(true);
  });

  it("is not fooled by mixed English and numbers that merely look alike", () => {
    const a =
      "我在社区负责2024年的老年人智能手机培训，一共办了8期，用的是自己做的PPT，每期结束后让老人当场练习用微信视频通话、" +
      "在手机上缴纳水电费和预约挂号，不会的由志愿者一对一帮。";
    const b =
      "我们车间2024年推行精益生产，我牵头做了8份PPT讲解5S管理方法，把工具定置摆放、班前五分钟安全讲话坚持下来，" +
      "全年没有发生一起轻伤以上事故，班组被评为厂里的先进集体。";
    const r = compareReflections(a, [{ id: "b", text: b }]);
    expect(r.checked).toBe(true);
    expect(r.flagged).toBe(false);
  });
});

describe("the segmentation can be swapped", () => {
  it("still flags the copy and not the honest reflections with single characters instead of jieba's words", () => {
    const opts = { segmenter: characterSegmenter, reference: [MATERIAL] };
    expect(compareReflections(COPIED, others(), opts).flagged).toBe(true);
    expect(compareReflections(HONEST_DOCTOR, others(["doctor"]), opts).flagged).toBe(false);
    expect(compareReflections(HONEST_TEACHER, others(["teacher"]), opts).flagged).toBe(false);
  });
});

import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { compareReflections, warmUp } from "../server/services/reflections/similarity";

// Time of the 心得体会 similarity check: one reflection against a session's others (up to ~60) and the
// author's earlier ones (~20). Texts are made from a pool of sentences with random edits, 500–3,000
// characters each. Prints figures; not a test.
//
//   tsx bench/similarity.ts [--others 80] [--runs 30] [--seed 1]

const { values: args } = parseArgs({
  options: {
    others: { type: "string", default: "80" },
    runs: { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
  },
});
const nOthers = Number(args.others);
const runs = Number(args.runs);

let state = Number(args.seed) >>> 0 || 1;
const random = () => {
  // xorshift32: the same texts for the same seed
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
const pick = <T>(xs: ArrayLike<T>): T => xs[Math.floor(random() * xs.length)];

const POOL = `支部组织我们集中学习了党的二十届三中全会精神，我反复读了原文，对照自己的工作想了想。
过去我总觉得全面深化改革是中央和部委的事情，基层只要按流程办就行。
群众跑的每一趟冤枉路，背后都是我们流程里没打通的一个环节。
中心今年推行高效办成一件事，把新生儿出生、退休、企业开办等事项打包成一张表。
后来科长带着我们把二十多个表格逐项比对，发现有将近一半的信息是重复填写的。
数字化不能只看系统上线了没有，还要看最需要的人会不会用、愿不愿用。
十年前我刚到中心时，居民看个感冒也要去区医院排队。
这些年推行分级诊疗、家庭医生签约，慢性病患者可以在家门口拿到和大医院一样的药。
后来我们和居委会商量，把签约居民里的独居老人单独建档，每周互通一次情况。
我们年级组重新设计了作业，把每天的书面作业控制在四十分钟以内。
今年学校开设了课后服务，我主动报名承担了周二和周四的阅读课。
有个平时不爱说话的男孩，后来在班会上给大家讲了一整段故事。
我反思自己，在使用新教材、开展跨学科主题学习方面还比较保守。
今后我要每月至少精读一篇辅导文章，把政策吃透，在岗位上把每一件小事办实办好。
对照条例的要求，我在理论学习上还不够系统，有时候满足于读过了、知道了。
去年防汛期间，社区党员分成三个小组，轮流在低洼路段值守，连续坚持了十二天。
我所在的车间推行班组民主管理，每月公开一次绩效和安全隐患整改情况。
在乡村振兴驻村工作中，我们帮助合作社打通了线上销售渠道，去年销售额翻了一番。`
  .split("\n")
  .map((s) => s.trim());
const CHARS =
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

function reflection(): string {
  const target = 500 + Math.floor(random() * 2500);
  let text = "";
  while (text.length < target) {
    // a pool sentence with about a fifth of its characters replaced: related, not copied
    text += Array.from(pick(POOL), (c) => (random() < 0.2 && /\p{Script=Han}/u.test(c) ? pick(CHARS) : c)).join("");
  }
  return text;
}

function lightCopy(text: string): string {
  // a copy with about one character in thirty changed and the sentences in another order
  const sentences = text.split("。");
  for (let i = sentences.length - 1; i > 0; i--) {
    if (random() < 0.2) [sentences[i], sentences[i - 1]] = [sentences[i - 1], sentences[i]];
  }
  return Array.from(sentences.join("；"), (c) => (random() < 0.033 ? pick(CHARS) : c)).join("");
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${fmt(at(0.5))}  p90 ${fmt(at(0.9))}  max ${fmt(s[s.length - 1])}`;
}

function session(copies: number) {
  const target = reflection();
  const others = Array.from({ length: nOthers }, (_, i) => ({
    id: String(i),
    text: i < copies ? lightCopy(target) : reflection(),
  }));
  return { target, others };
}

const material = [POOL.slice(0, 5).join("")];
const avgChars = (xs: { text: string }[]) => Math.round(xs.reduce((n, x) => n + x.text.length, 0) / xs.length);

let t = performance.now();
warmUp();
console.log(`dictionary load (once per process): ${fmt(performance.now() - t)}`);

for (const [label, copies] of [
  ["typical (one copy among the others)", 1],
  ["worst (every other is a copy)", nOthers],
] as const) {
  const cold: number[] = [];
  const warm: number[] = [];
  let chars = 0;
  let flagged = 0;
  for (let r = 0; r < runs; r++) {
    const { target, others } = session(copies);
    chars += avgChars(others);
    t = performance.now();
    const result = compareReflections(target, others, { reference: material });
    cold.push(performance.now() - t);
    if (result.flagged) flagged++;
    t = performance.now();
    compareReflections(target, others, { reference: material });
    warm.push(performance.now() - t);
  }
  console.log(`\n${label}: 1 against ${nOthers}, about ${Math.round(chars / runs)} characters each, ${runs} runs`);
  console.log(`  new texts (segmented now):    ${stats(cold)}`);
  console.log(`  same texts again (cached):    ${stats(warm)}`);
  console.log(`  flagged: ${flagged} of ${runs}`);
}

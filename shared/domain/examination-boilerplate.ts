// Template passages of 对照检查材料 that circulate from year to year (written for Tongxin, not
// taken from any publication). A submission that copies one is shown beside it in the
// similarity check, as a copy of another member's would be; each branch adds its own
// (examination_boilerplate). Short on purpose: a passage, not a whole material.

export interface Boilerplate {
  id: string;
  title: string;
  text: string;
}

export const BUILT_IN_BOILERPLATE: readonly Boilerplate[] = [
  {
    id: "builtin:theory",
    title: "理论学习方面（模板）",
    text:
      "在理论学习方面，存在学用脱节的问题。平时满足于读原文、记笔记，对党的创新理论学得不够系统、" +
      "悟得不够透彻，往往是工作需要什么就学什么，用理论指导实践、推动工作的能力还有差距。",
  },
  {
    id: "builtin:style",
    title: "工作作风方面（模板）",
    text:
      "在工作作风方面，存在求稳怕乱的思想。面对急难险重任务，有时习惯于按部就班、照章办事，" +
      "主动深入基层调查研究不够，对群众反映的问题跟踪解决不及时，攻坚克难的劲头有所减弱。",
  },
  {
    id: "builtin:discipline",
    title: "纪律规矩方面（模板）",
    text:
      "在遵守纪律规矩方面，对自己要求有所放松。认为自己岗位普通、手中没有权力，廉洁自律方面不会出问题，" +
      "对身边的小事小节重视不够，警示教育入脑入心还不到位。",
  },
  {
    id: "builtin:causes",
    title: "原因剖析（模板）",
    text:
      "深挖问题根源，主要有以下几个方面：一是理想信念有所弱化，二是党性修养有所放松，" +
      "三是宗旨意识有所淡化，四是纪律观念有所松懈。这些问题归根结底是主观世界改造不够彻底。",
  },
  {
    id: "builtin:measures",
    title: "整改措施（模板）",
    text:
      "下一步，我将从以下几个方面认真整改：一是加强理论学习，筑牢思想根基；二是践行宗旨意识，" +
      "密切联系群众；三是严守纪律规矩，始终保持清正廉洁；四是强化担当作为，以实际行动推动工作落实。",
  },
];

// Chinese names for the large dataset: organisations, people, meeting topics.

const DIGITS = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/** 1 → 一, 12 → 十二, 40 → 四十, 103 → 一百零三, 115 → 一百一十五 (1..999). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new RangeError(`1..999, got ${n}`);
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const o = n % 10;
  if (h === 0) {
    if (t === 0) return DIGITS[o];
    return `${t === 1 ? "" : DIGITS[t]}十${o ? DIGITS[o] : ""}`;
  }
  const rest = n % 100;
  if (rest === 0) return `${DIGITS[h]}百`;
  if (rest < 10) return `${DIGITS[h]}百零${DIGITS[o]}`;
  return `${DIGITS[h]}百${t === 0 ? "零" : DIGITS[t] + "十"}${o ? DIGITS[o] : ""}`;
}

/** 103 → 一〇三, as branch numbers are often written. */
export function chineseDigits(n: number): string {
  return String(n)
    .split("")
    .map((d) => DIGITS[Number(d)])
    .join("");
}

export const COMMITTEE_NAME = "同心市直属机关党委";

/** The units whose 党总支 sit under the 党委. */
export const UNITS = [
  "财政局",
  "教育局",
  "卫生健康委",
  "交通运输局",
  "住房城乡建设局",
  "自然资源局",
  "市场监管局",
  "人力资源社会保障局",
  "农业农村局",
  "生态环境局",
  "商务局",
  "文化旅游局",
];

/**
 * Names of the branches under one 党总支: the first ones are the unit's own offices
 * (「财政局机关第三党支部」), the rest numbered across the 党委 (「第一〇三党支部」).
 */
export function branchName(unit: string, indexInUnit: number, globalNo: number): string {
  return indexInUnit <= 12 ? `${unit}机关第${chineseNumber(indexInUnit)}党支部` : `第${chineseDigits(globalNo)}党支部`;
}

export const SURNAMES = [
  ..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
];

export const GIVEN = [
  ..."伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏俊帆雪琳晨阳欣悦思颖佳嘉志国海林波宁丹峰婷蕾鑫然哲瑞博东亮成荣新春晓立云飞鸿燕梅兰",
];

export const PLACES = [
  "机关办公楼三楼党员活动室",
  "二楼小会议室",
  "一楼多功能厅",
  "党建活动中心",
  "五楼第一会议室",
  "四楼会议室",
  "职工之家",
];

export const THEME_DAY_TOPICS = [
  "重温入党誓词",
  "学习党章党规",
  "志愿服务进社区",
  "参观革命传统教育基地",
  "学习贯彻党的二十届三中全会精神",
  "清廉机关建设专题学习",
  "读书分享会",
  "走访慰问困难党员",
];

export const LECTURE_TOPICS = [
  "学习《中国共产党支部工作条例（试行）》",
  "弘扬伟大建党精神",
  "树立和践行正确政绩观",
  "加强党的纪律建设",
  "以高质量党建引领业务发展",
  "学习习近平新时代中国特色社会主义思想",
];

export const LEAVE_REASONS = ["出差", "病假", "参加上级培训", "家中有事", "值班", "外出开会", "陪护家人就医"];

export const CANCEL_REASONS = ["与上级会议时间冲突", "书记外出学习，改期召开", "防汛值班", "会议室另有安排"];

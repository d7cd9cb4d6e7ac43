import type { AuditAction } from "../../server/services/audit";
import {
  CATEGORY_LABEL,
  ORG_KIND_LABEL,
  ROLE_LABEL,
  type Category,
  type OrgKind,
  type Role,
} from "../../shared/domain/labels";

export const AUDIT_LABEL: Record<AuditAction, string> = {
  "member.view": "查看成员信息",
  "member.list": "查看成员名册",
  "member.export": "导出成员名册",
  "member.create": "添加成员",
  "member.update": "修改成员信息",
  "member.import": "批量导入成员",
  "membership.add": "增加组织关系",
  "membership.role": "调整职务",
  "membership.move": "调整所在组织",
  "membership.end": "结束组织关系",
  "invitation.create": "生成邀请码",
  "invitation.accept": "通过邀请激活账号",
  "org.create": "新建组织",
  "org.rename": "组织更名",
  "org.move": "调整上级组织",
  "audit.view": "查看审计日志",
  "account.password": "修改密码",
  "account.sessions": "退出其他设备",
  "account.reset": "重置密码",
  "attendance.correct": "更正考勤",
  "minutes.editor_added": "指定协同记录人",
  "minutes.editor_removed": "取消协同记录人",
  "record.signed": "会议记录签字",
  "record.sealed": "会议记录封存",
  "org.settings": "修改组织生活规则",
  "org.tracking": "调整开始统计日期",
  "plan.confirm": "确认年度计划",
  "series.create": "安排系列会议",
  "series.cancel": "取消系列会议",
  "problem.create": "添加问题清单",
  "examination.view": "查看对照检查材料",
  "examination.submit": "提交对照检查材料",
  "examination.return": "退回对照检查材料",
  "examination.accept": "通过对照检查材料",
  "examination.settings": "修改对照检查设置",
  "rectification.create": "添加整改事项",
  "rectification.edit": "修改整改事项",
  "rectification.report": "报告整改完成",
  "rectification.confirm": "整改对单销号",
  "rectification.return": "退回整改事项",
  "rectification.settings": "设置整改清单公开范围",
  "review.open": "开始民主评议测评",
  "review.close": "结束民主评议测评",
  "review.outcome": "记录民主评议评定意见",
  "review.report": "上报民主评议结果",
  "review.results_view": "查看民主评议测评结果",
  "opinion.enter": "录入群众意见",
  "opinion.sort": "意见归入问题清单",
  "opinion.pass": "意见转给本人",
  "opinion.view_senders": "查看征求意见（含提出人）",
  "opinion.view_above": "上级查阅征求意见",
  "talk.record": "记录谈心谈话",
  "talk.read": "查看他人的谈心谈话记录",
  "talk.settings": "设置谈心谈话要求",
  "criticism.read": "查看批评与自我批评记录",
  "life.access_asked": "上级调阅组织生活会保密记录",
  "life.access_ended": "结束上级调阅",
  "life.minutes_view": "查看组织生活会会议记录",
  "life.study_linked": "关联组织生活会学习",
  "life.study_unlinked": "取消关联组织生活会学习",
  "life.study_recorded": "登记组织生活会线下学习",
  "life.report_plan": "上报组织生活会方案",
  "life.report_outcome": "上报组织生活会情况和整改清单",
  "life.attend_above": "上级列席组织生活会",
};

const FIELD_LABEL: Record<string, string> = {
  displayName: "姓名",
  category: "类别",
  probationStartedOn: "预备期开始",
  probationEndsOn: "预备期结束",
  trackingStartedOn: "开始统计日期",
  org: "组织",
  role: "职务",
  mobile: "流动党员",
  reason: "原因",
  name: "名称",
  kind: "类型",
  parent: "上级组织",
  from: "原",
  to: "新",
  talkedOn: "谈话日期",
};

/** An attendance correction's statuses and modes (attendance.correct, decision 028). */
const ATTENDANCE_WORD: Record<string, string> = {
  present: "出席",
  late: "迟到",
  left_early: "早退",
  absent: "缺席",
  leave: "请假",
  onsite: "现场",
  online: "线上",
};

function value(v: unknown): string {
  if (v === null || v === undefined || v === "") return "（空）";
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "string")
    return (
      ROLE_LABEL[v as Role] ?? CATEGORY_LABEL[v as Category] ?? ORG_KIND_LABEL[v as OrgKind] ?? ATTENDANCE_WORD[v] ?? v
    );
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("role" in o) return value(o.role) + (o.mobile ? "（流动）" : "");
  }
  return String(v);
}

/** One line, in words, of what an audit entry's detail records. */
export function describeAudit(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  if ("toMode" in detail) {
    // An attendance correction: status and how the person attended, each from → to.
    const word = (v: unknown) => (typeof v === "string" ? (ATTENDANCE_WORD[v] ?? v) : "（无）");
    parts.push(`状态：${word(detail.from)} → ${word(detail.to)}`);
    parts.push(`参会方式：${word(detail.fromMode)} → ${word(detail.toMode)}`);
    if (detail.reason) parts.push(`原因：${String(detail.reason)}`);
    return parts.join("；");
  }
  for (const [k, v] of Object.entries(detail)) {
    if (k === "via") parts.push(v === "import" ? "名册导入" : "逐个添加");
    else if (k === "created") parts.push(`新增 ${String(v)} 人`);
    else if (k === "skippedLines" && Array.isArray(v) && v.length) parts.push(`跳过第 ${v.join("、")} 行`);
    else if (k === "count") parts.push(`共 ${String(v)} 人`);
    else if (k === "year") parts.push(`${String(v)} 年`);
    else if (k === "meetings") parts.push(`共 ${String(v)} 次会议`);
    else if (k === "opinions") parts.push(`共 ${String(v)} 条意见`);
    else if (k === "talks") parts.push(`他人谈话记录 ${String(v)} 条`);
    else if (k === "rule" && typeof v === "string") parts.push(v);
    else if (k === "ended") parts.push(`退出 ${String(v)} 台设备`);
    else if (k === "actor" && v === "operator") parts.push("系统管理员在服务器上操作");
    else if (k === "otherSessionsEnded") parts.push(`其他设备已退出 ${String(v)} 台`);
    else if (k === "filters" && v && typeof v === "object") {
      const f = Object.entries(v as Record<string, unknown>).filter(([, x]) => x);
      if (f.length) parts.push("筛选：" + f.map(([fk, x]) => (fk === "q" ? `“${String(x)}”` : value(x))).join("、"));
    } else if (v && typeof v === "object" && "from" in v && "to" in v) {
      const { from, to } = v as { from: unknown; to: unknown };
      parts.push(`${FIELD_LABEL[k] ?? k}：${value(from)} → ${value(to)}`);
    } else if (FIELD_LABEL[k]) parts.push(`${FIELD_LABEL[k]}：${value(v)}`);
  }
  return parts.join("；");
}

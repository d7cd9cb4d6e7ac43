import type { AuditAction } from "../../server/services/audit";

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
};

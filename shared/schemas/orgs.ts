import { z } from "zod";
import { withoutBidiControls } from "../domain/text";
import { ORG_KINDS } from "../domain/labels";
import { idField } from "../ids";

const uuid = idField("请选择组织");

export const OrgNameSchema = z
  .string({ error: "请填写组织名称" })
  .transform((s) => withoutBidiControls(s.normalize("NFKC")).trim().replace(/\s+/g, " "))
  .pipe(z.string().min(2, "组织名称至少 2 个字").max(60, "组织名称最长 60 个字"));

export const CreateOrgSchema = z.object({
  intent: z.literal("create"),
  parentId: uuid,
  kind: z.enum(ORG_KINDS, { error: "请选择组织类型" }),
  name: OrgNameSchema,
});
export const RenameOrgSchema = z.object({ intent: z.literal("rename"), orgId: uuid, name: OrgNameSchema });
export const MoveOrgSchema = z.object({ intent: z.literal("move"), orgId: uuid, parentId: uuid });
export const OrgActionSchema = z.discriminatedUnion("intent", [CreateOrgSchema, RenameOrgSchema, MoveOrgSchema], {
  error: "无法识别的操作",
});

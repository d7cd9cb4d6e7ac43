import { z } from "zod";
import { idField } from "../ids";
import { PersonSchema, RoleSchema, SignInNameSchema, yesNo } from "../domain/people";

const orgId = idField("请选择所在组织");
const membershipId = idField("无效的组织关系");

/** Where a person sits: organisation, role and whether they are a 流动党员 there. */
export const PlacementSchema = z.object({
  orgId,
  role: RoleSchema,
  mobile: z.preprocess(yesNo, z.boolean()),
});

export const NewMemberSchema = z.object({ username: SignInNameSchema }).and(PlacementSchema).and(PersonSchema);

export const MemberActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("role"), membershipId, role: RoleSchema, mobile: z.preprocess(yesNo, z.boolean()) }),
    z.object({ intent: z.literal("move"), membershipId, orgId }),
    z.object({
      intent: z.literal("end"),
      membershipId,
      reason: z.string().trim().max(200, "原因最长 200 字").default(""),
    }),
    z.object({ intent: z.literal("add"), orgId, role: RoleSchema, mobile: z.preprocess(yesNo, z.boolean()) }),
    z.object({ intent: z.literal("invite") }),
    z.object({ intent: z.literal("person") }),
  ],
  { error: "无法识别的操作" },
);

import { z } from "zod";

// The record page's form (issue 17 §1): 签字 for the roles one holds, or `role` for a manager
// signing for a holder who left (docs/decisions/038).
export const RecordActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("sign"),
      role: z
        .enum(["host", "recorder", ""], { error: "无法识别的签字角色" })
        .optional()
        .transform((r) => (r ? r : null)),
    }),
  ],
  { error: "无法识别的操作" },
);

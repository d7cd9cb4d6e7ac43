import { z } from "zod";
import { idField as id, UUID_RE } from "../ids";

// Forms of the round of criticism (/meetings/<id>/criticism): the host's controls. The services
// check the rest (rights, phase, that the people are on the meeting's list).

export const CriticismRoundActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("turn"),
      step: z.enum(["next", "previous", "to"], { error: "无法识别的操作" }),
      // With "to": whose turn it is now (empty: nobody, the round paused).
      personId: z.union([z.literal(""), id("无效的人员")]).optional(),
    }),
    z.object({
      intent: z.literal("order"),
      // Ids in the new order, separated by commas.
      order: z
        .string({ error: "请给出发言顺序" })
        .max(4000, "顺序太长")
        .transform((v) =>
          v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        )
        .refine((ids) => ids.length > 0, "请给出发言顺序")
        .refine((ids) => ids.every((i) => UUID_RE.test(i)), "顺序中有无效的人员"),
    }),
  ],
  { error: "无法识别的操作" },
);

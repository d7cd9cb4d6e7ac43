import { z } from "zod";
import { idField as id } from "../ids";

// Forms of the live session page (/meetings/<id>): the host's controls. The services check the
// rest (rights, phase, that the item and the person belong to the meeting).

export const SessionActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("start") }),
    z.object({ intent: z.literal("end") }),
    z.object({
      intent: z.literal("agenda"),
      // Empty: back to no current item.
      itemId: z.union([z.literal(""), id("无效的议程")]).transform((v) => (v === "" ? null : v)),
    }),
    z.object({
      intent: z.literal("editor"),
      userId: id("请选择人员"),
      allowed: z.enum(["1", "0"], { error: "无法识别的操作" }).transform((v) => v === "1"),
    }),
  ],
  { error: "无法识别的操作" },
);

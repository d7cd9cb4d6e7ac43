import type { Sql } from "../../../db/client";
import { examinationDoc } from "../../../shared/doc-names";
import { storedTexts } from "../reflections/records";

/**
 * A member's self-criticism for a 组织生活会: the text of their 对照检查材料 as its live document is
 * stored now (the DocStore's persisted state, read with the editor's plain-text helper), for the
 * criticism round to show beside the criticisms. Empty when they have written nothing. No access
 * check here: the caller has already decided the reader may see it (lifeRecordAccess).
 */
export async function examinationText(sql: Sql, meetingId: string, authorId: string): Promise<string> {
  const name = examinationDoc(meetingId, authorId);
  return (await storedTexts(sql, [name])).get(name)?.trim() ?? "";
}

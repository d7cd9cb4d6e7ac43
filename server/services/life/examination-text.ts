import * as Y from "yjs";
import type { Sql } from "../../../db/client";
import { examinationDoc } from "../../../shared/doc-names";
import { plainText } from "../../../shared/editor/minutes";
import { storedStates } from "../../collab/persistence";

// The stored text of one member's 对照检查材料 (examinationDoc). The 对照检查材料 service owns
// this module; this reading of the stored document is what the round of criticism needs (the
// self-criticism shown when it is the person's turn) and is kept by the lead at merge. No access
// check here: callers check lifeRecordAccess first.
export async function examinationText(sql: Sql, meetingId: string, authorId: string): Promise<string> {
  const name = examinationDoc(meetingId, authorId);
  const state = (await storedStates(sql, [name])).get(name);
  if (!state) return "";
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return plainText(doc).trim();
  } finally {
    doc.destroy();
  }
}

import type { Sql } from "../../../db/client";

// Whether a committee member above a branch holds an active grant to read a 组织生活会's
// confidential records (issue 16 §2: asked for explicitly, for a stated period, logged and
// visible to the branch). The grants themselves land with the 组织生活会 cycle work; until then
// nobody holds one, which is the safe answer.
export async function aboveGrantActive(_sql: Sql, _userId: string, _meetingId: string): Promise<boolean> {
  return false;
}

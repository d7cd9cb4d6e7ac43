import type { Sql } from "../../../db/client";
import { sha256Hex } from "./record";

// Verifying the sealed records (issue 17 §2; docs/decisions/038): each record's SHA-256 is
// recomputed from its stored text, the text's own link fields are compared with its row, and each
// organisation's chain is walked from its first record (prev_sha256 of one = sha256 of the one
// before). A changed byte anywhere in a record's stored text names that record; a record whose
// text and hash were both rewritten names the record after it, whose link no longer fits.
// Recomputing from the live tables behind a record is a later step.

export interface BrokenRecord {
  meetingId: string;
  version: number;
  orgId: string;
  chainSeq: number;
  title: string | null;
  /** What does not match, in Chinese. */
  problems: string[];
}

export interface ChainReport {
  organisations: number;
  records: number;
  broken: BrokenRecord[];
}

interface Row {
  meeting_id: string;
  version: number;
  org_id: string;
  chain_seq: number;
  content: string;
  sha256: string;
  prev_sha256: string | null;
  title: string | null;
}

interface Sealed {
  meeting?: { id?: unknown };
  seal?: { version?: unknown; chainSeq?: unknown; prevSha256?: unknown };
}

function parse(text: string): Sealed | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" ? (v as Sealed) : null;
  } catch {
    return null;
  }
}

/** Checks every sealed record (or one organisation's): the report names each broken one. */
export async function verifyChain(sql: Sql, orgId?: string): Promise<ChainReport> {
  const rows = await sql<Row[]>`
    select r.meeting_id, r.version, r.org_id, r.chain_seq, r.content, r.sha256, r.prev_sha256, m.title
    from meeting_records r left join meetings m on m.id = r.meeting_id
    ${orgId ? sql`where r.org_id = ${orgId}` : sql``}
    order by r.org_id, r.chain_seq`;
  const broken: BrokenRecord[] = [];
  const orgs = new Set<string>();
  let prev: Row | null = null;
  for (const r of rows) {
    const first = !orgs.has(r.org_id);
    orgs.add(r.org_id);
    if (first) prev = null;
    const problems: string[] = [];
    if (sha256Hex(r.content) !== r.sha256) problems.push("内容与封存时的摘要不符");
    const c = parse(r.content);
    if (!c) problems.push("内容不是有效的记录");
    else {
      if (c.meeting?.id !== r.meeting_id) problems.push("内容所属会议与记录不符");
      if (c.seal?.version !== r.version || c.seal?.chainSeq !== r.chain_seq || c.seal?.prevSha256 !== r.prev_sha256)
        problems.push("内容中的链接信息与记录不符");
    }
    const expectedSeq = prev ? prev.chain_seq + 1 : 1;
    if (r.chain_seq !== expectedSeq) problems.push(`链序号应为 ${expectedSeq}，实为 ${r.chain_seq}`);
    if ((prev?.sha256 ?? null) !== r.prev_sha256) problems.push("与上一条封存记录的链接不符");
    if (problems.length)
      broken.push({
        meetingId: r.meeting_id,
        version: r.version,
        orgId: r.org_id,
        chainSeq: r.chain_seq,
        title: r.title,
        problems,
      });
    prev = r;
  }
  return { organisations: orgs.size, records: rows.length, broken };
}

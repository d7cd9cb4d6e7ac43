import type { Sql } from "../../../db/client";
import type { Actor, LiveAccess } from "../actor";
import { audit } from "../audit";
import type { MeetingScope } from "../meeting-scope";
import { canonicalJson, recordBody, sha256Hex, type RecordContent, type RecordSignOff } from "./record";

// Sealing (issue 17 §1, §2; docs/decisions/038): once both sign-offs are in, the record as it
// stands is serialised, hashed and chained to the organisation's previous sealed record. Runs in
// the sign-off's transaction, the meeting row locked; the organisation's row lock keeps its chain
// a line (two meetings of one branch sealed at once queue here).

export interface SealedRecord {
  meetingId: string;
  version: number;
  chainSeq: number;
  sha256: string;
  prevSha256: string | null;
  sealedAt: Date;
}

export async function sealRecord(t: Sql, actor: Actor, scope: MeetingScope, minutes: string): Promise<SealedRecord> {
  const orgId = scope.org.id;
  await t`select 1 from organizations where id = ${orgId} for update`;
  const [prev] = await t<{ sha256: string; chain_seq: number }[]>`
    select sha256, chain_seq from meeting_records where org_id = ${orgId} order by chain_seq desc limit 1`;
  const signOffs = await t<
    {
      role: "host" | "recorder";
      holder_id: string | null;
      holder_name: string | null;
      signed_by: string;
      signed_by_name: string;
      on_behalf: boolean;
      signed_at: Date;
    }[]
  >`
    select s.role, s.holder_id, h.display_name as holder_name, s.signed_by, s.signed_by_name, s.on_behalf, s.signed_at
    from meeting_signoffs s left join users h on h.id = s.holder_id
    where s.meeting_id = ${scope.row.id} order by s.role`;
  const sealedAt = new Date();
  const chainSeq = (prev?.chain_seq ?? 0) + 1;
  const prevSha256 = prev?.sha256 ?? null;
  const content: RecordContent = {
    ...(await recordBody(t, actor.subject, scope, minutes)),
    signOffs: signOffs.map((s): RecordSignOff => ({
      role: s.role,
      holder: s.holder_id ? { id: s.holder_id, name: s.holder_name ?? "" } : null,
      signedBy: { id: s.signed_by, name: s.signed_by_name },
      onBehalf: s.on_behalf,
      signedAt: s.signed_at.toISOString(),
    })),
    seal: { version: 1, chainSeq, prevSha256, sealedAt: sealedAt.toISOString(), sealedBy: actor.userId },
  };
  const text = canonicalJson(content);
  const sha256 = sha256Hex(text);
  await t`
    insert into meeting_records (meeting_id, version, org_id, chain_seq, content, sha256, prev_sha256, sealed_at, sealed_by)
    values (${scope.row.id}, 1, ${orgId}, ${chainSeq}, ${text}, ${sha256}, ${prevSha256}, ${sealedAt}, ${actor.userId})`;
  await audit(t, {
    actorId: actor.userId,
    action: "record.sealed",
    orgId,
    detail: { meeting: scope.row.id, title: scope.row.title, sha256 },
    address: actor.address,
  });
  return { meetingId: scope.row.id, version: 1, chainSeq, sha256, prevSha256, sealedAt };
}

/**
 * After sealing: everyone who may have a document of the meeting open (its list, co-editors,
 * chairs, and the people of its organisation and those above, a superset) is re-checked, so an
 * open editor of the minutes, a 心得体会, a 对照检查材料 or a criticism turns read-only at once
 * (the collaboration server closes it with 4509 and the client reconnects read-only).
 */
export async function sealedLive(sql: Sql, live: LiveAccess, scope: MeetingScope): Promise<void> {
  const people = await sql<{ user_id: string }[]>`
    select user_id from meeting_invitees where meeting_id = ${scope.row.id}
    union select user_id from meeting_minutes_editors where meeting_id = ${scope.row.id}
    union select user_id from memberships where ended_at is null and org_id = any(${scope.orgPath}::uuid[])
    union select ms.user_id from memberships ms join organizations o on o.id = ms.org_id
      where ms.ended_at is null and o.parent_id = ${scope.org.id}`;
  const ids = new Set(people.map((p) => p.user_id));
  for (const id of [scope.row.host_id, scope.row.recorder_id]) if (id) ids.add(id);
  live.accessChanged([...ids]);
  await live.sessionChanged(scope.row.id);
}

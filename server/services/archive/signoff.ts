import type { Sql } from "../../../db/client";
import { emptySections } from "../../../shared/editor/minutes";
import { SIGN_OFF_ROLE_LABEL } from "../../../shared/domain/labels";
import {
  meetingAccess,
  recordAccess,
  SIGN_OFF_ROLES,
  signOffAccess,
  type RecordResource,
  type SignOffRole,
  type Subject,
} from "../../../shared/permissions";
import type { Actor, LiveAccess } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { loadMeetingScope, type MeetingScope } from "../meeting-scope";
import { loadSubject } from "../people/subjects";
import { minutesText } from "./record";
import { sealedLive, sealRecord } from "./seal";

// Preparing and signing off a meeting's record (issue 17 §1; docs/decisions/038): after the
// session ended the 主持人 and the 记录人 each sign (one click for both roles when one person
// holds them; a manager for a holder who left), and the second signature seals it (./seal.ts).
// Who may do what is shared/permissions' recordAccess and signOffAccess.

const ROLE_LABEL = SIGN_OFF_ROLE_LABEL;

/** The record as the sign-off rules see it: whether each holder still takes part in the organisation. */
export async function recordResource(sql: Sql, scope: MeetingScope): Promise<RecordResource> {
  const left = async (holderId: string | null) =>
    holderId !== null && meetingAccess(await loadSubject(sql, holderId), scope.resource) !== "write";
  return {
    meeting: scope.resource,
    hostId: scope.row.host_id,
    recorderId: scope.row.recorder_id,
    left: { host: await left(scope.row.host_id), recorder: await left(scope.row.recorder_id) },
  };
}

export interface SignOffView {
  role: SignOffRole;
  holderName: string | null;
  holderLeft: boolean;
  signed: { byName: string; onBehalf: boolean; at: Date } | null;
  /** What the viewer may do for this role now. */
  mine: "none" | "self" | "behalf";
}

export interface RecordPreparation {
  meeting: { id: string; title: string; kind: string; orgName: string; startsAt: Date; endedAt: Date | null };
  ended: boolean;
  cancelled: boolean;
  access: "read" | "manage";
  open: {
    /** On the list, 心得体会 not submitted (draft, returned or never begun): listed as not submitted at sealing. */
    notSubmitted: { id: string; name: string; status: string }[];
    openVotes: { id: string; title: string }[];
    /** Headings of the minutes with nothing under them; `minutesEmpty` when nothing at all was written. */
    emptySections: string[];
    minutesEmpty: boolean;
  };
  signOffs: SignOffView[];
  seal: { sealedAt: Date; sha256: string; prevSha256: string | null; chainSeq: number; sealedByName: string } | null;
}

async function viewable(sql: Sql, subject: Subject, meetingId: string) {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  const resource = await recordResource(sql, scope);
  const access = recordAccess(subject, resource);
  if (access === "none") throw hidden();
  return { scope, resource, access };
}

/** The record page: what is still open, the sign-offs, the seal. 404 for whoever may not see it. */
export async function recordPreparation(
  sql: Sql,
  live: LiveAccess,
  subject: Subject,
  meetingId: string,
): Promise<RecordPreparation> {
  const { scope, resource, access } = await viewable(sql, subject, meetingId);
  const { row } = scope;
  const notSubmitted = await sql<{ id: string; name: string; status: string }[]>`
    select i.user_id as id, u.display_name as name, coalesce(r.status, 'draft') as status
    from meeting_invitees i join users u on u.id = i.user_id
      left join reflections r on r.meeting_id = i.meeting_id and r.user_id = i.user_id
    where i.meeting_id = ${row.id} and coalesce(r.status, 'draft') not in ('submitted', 'accepted')
    order by i.role, u.display_name`;
  const openVotes = await sql<{ id: string; title: string }[]>`
    select id, title from votes where meeting_id = ${row.id} and status = 'open' order by opened_at`;
  const { text, doc } = await minutesText(live, row.id);
  const signed = await sql<{ role: SignOffRole; signed_by_name: string; on_behalf: boolean; signed_at: Date }[]>`
    select role, signed_by_name, on_behalf, signed_at from meeting_signoffs where meeting_id = ${row.id}`;
  const [seal] = await sql<
    { sealed_at: Date; sha256: string; prev_sha256: string | null; chain_seq: number; sealed_by_name: string }[]
  >`
    select r.sealed_at, r.sha256, r.prev_sha256, r.chain_seq, u.display_name as sealed_by_name
    from meeting_records r join users u on u.id = r.sealed_by
    where r.meeting_id = ${row.id} order by r.version desc limit 1`;
  const ended = row.session_ended_at !== null && row.status !== "cancelled";
  return {
    meeting: {
      id: row.id,
      title: row.title,
      kind: row.kind,
      orgName: row.org_name,
      startsAt: row.starts_at,
      endedAt: row.session_ended_at,
    },
    ended,
    cancelled: row.status === "cancelled",
    access,
    open: {
      notSubmitted: [...notSubmitted],
      openVotes: [...openVotes],
      emptySections: emptySections(doc),
      minutesEmpty: text.trim() === "",
    },
    signOffs: SIGN_OFF_ROLES.map((role) => {
      const s = signed.find((x) => x.role === role);
      const holderId = role === "host" ? row.host_id : row.recorder_id;
      return {
        role,
        holderName: holderId ? ((role === "host" ? row.host_name : row.recorder_name) ?? null) : null,
        holderLeft: resource.left[role],
        signed: s ? { byName: s.signed_by_name, onBehalf: s.on_behalf, at: s.signed_at } : null,
        mine: s || seal || !ended ? "none" : signOffAccess(subject, resource, role),
      };
    }),
    seal: seal
      ? {
          sealedAt: seal.sealed_at,
          sha256: seal.sha256,
          prevSha256: seal.prev_sha256,
          chainSeq: seal.chain_seq,
          sealedByName: seal.sealed_by_name,
        }
      : null,
  };
}

/**
 * 签字: without `role`, the viewer signs every role they hold (one click when they are both);
 * with it, that role, which for someone else's is a manager signing for a holder who left. The
 * second signature seals the record in the same transaction. Refusals: 404 hidden, 403 not
 * theirs to sign, 409 not ended, already signed, a vote still open, or sealed.
 */
export async function signOff(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  role: SignOffRole | null,
): Promise<{ signed: SignOffRole[]; sealed: boolean }> {
  const { access } = await viewable(sql, actor.subject, meetingId);
  if (access !== "manage") throw new DomainError("只有本次会议的主持人、记录人或本组织的管理人员可以签字。", 403);
  // Read before the transaction: the live side has its own connection (see recordBody).
  const minutes = (await minutesText(live, meetingId)).text;
  const out = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const scope = await loadMeetingScope(t, actor.subject, meetingId, { lock: true });
    const { row } = scope;
    if (scope.sealed) throw new DomainError("本次会议记录已经封存。", 409);
    if (row.status === "cancelled") throw new DomainError("会议已取消，没有需要封存的记录。", 409);
    if (!row.session_ended_at) throw new DomainError("会议结束后才能签字封存会议记录。", 409);
    const resource = await recordResource(t, scope);
    const roles = role ? [role] : SIGN_OFF_ROLES.filter((r) => signOffAccess(actor.subject, resource, r) === "self");
    if (roles.length === 0) throw new DomainError("你不是本次会议的主持人或记录人，不能签字。", 403);
    const how = roles.map((r) => signOffAccess(actor.subject, resource, r));
    if (how.includes("none"))
      throw new DomainError(`不能替他人签字：${ROLE_LABEL[roles[how.indexOf("none")]]}须由本人签字。`, 403);
    const [open] = await t`select title from votes where meeting_id = ${row.id} and status = 'open' limit 1`;
    if (open) throw new DomainError(`表决“${String(open.title)}”尚未结束，请先结束表决再签字。`, 409);
    const [me] = await t<{ name: string }[]>`select display_name as name from users where id = ${actor.userId}`;
    for (const [i, r] of roles.entries()) {
      const holder = r === "host" ? row.host_id : row.recorder_id;
      const done = await t`
        insert into meeting_signoffs (meeting_id, role, holder_id, signed_by, signed_by_name, on_behalf)
        values (${row.id}, ${r}, ${holder}, ${actor.userId}, ${me.name}, ${how[i] === "behalf"})
        on conflict do nothing returning 1`;
      if (done.length === 0) throw new DomainError(`${ROLE_LABEL[r]}已经签过字了。`, 409);
      await audit(t, {
        actorId: actor.userId,
        action: "record.signed",
        orgId: row.org_id,
        subjectUserId: holder,
        detail: { meeting: row.id, title: row.title, role: r, onBehalf: how[i] === "behalf" },
        address: actor.address,
      });
    }
    const [{ n }] = await t<
      { n: number }[]
    >`select count(*)::int as n from meeting_signoffs where meeting_id = ${row.id}`;
    if (n < SIGN_OFF_ROLES.length) return { signed: roles, sealed: false, scope };
    await sealRecord(t, actor, scope, minutes);
    return { signed: roles, sealed: true, scope };
  });
  if (out.sealed) await sealedLive(sql, live, out.scope);
  else await live.sessionChanged(meetingId);
  return { signed: out.signed, sealed: out.sealed };
}

/** For the meeting page after the end: whether the viewer may open the record page, and whether it is sealed. */
export async function recordLink(sql: Sql, subject: Subject, scope: MeetingScope): Promise<{ sealed: boolean } | null> {
  if (!scope.row.session_ended_at || scope.row.status === "cancelled") return null;
  if (recordAccess(subject, await recordResource(sql, scope)) === "none") return null;
  return { sealed: scope.sealed };
}

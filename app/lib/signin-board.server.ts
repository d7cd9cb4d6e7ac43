import type { Sql } from "../../db/client";
import type { Actor } from "../../server/services/actor";
import { currentCode } from "../../server/services/session/attendance";
import { qrSvg } from "./qr.server";

/** What the host shows for sign-in: the rotating code, when it turns, a QR of the page with it. */
export interface SigninBoard {
  code: string;
  turnsInMs: number;
  qr: string;
}

/**
 * The sign-in board of a meeting, for the attendance page and the room's screen. Only for those
 * who manage the attendance (currentCode refuses anyone else), inside the sign-in window.
 */
export async function signinBoard(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  origin: string,
  now = new Date(),
): Promise<SigninBoard> {
  const c = await currentCode(sql, actor, meetingId, now);
  const link = new URL(`/meetings/${meetingId}/attendance?code=${c.code}`, origin).href;
  return { code: c.code, turnsInMs: c.turnsAt.getTime() - now.getTime(), qr: await qrSvg(link) };
}

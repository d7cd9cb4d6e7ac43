// How the live-document server refuses a write it will not store (server/collab/limits.ts), and
// what the browser editors say about it. Shared so the close codes and the words cannot drift apart.
//
// A refused write is never lost: the editor keeps it (in memory, and the 心得体会 editor in IndexedDB
// too) and sends it again on its next connection, which the server may then accept.

/**
 * The document would grow past its cap, or one write is larger than a person may send at once.
 * Not in 4400–4499, which the official y-websocket client treats as final: these mean "keep it,
 * retry later", and our editors wait before reconnecting (a retry soon after would be refused again).
 */
export const CLOSE_WRITE_TOO_LARGE = 4513;
/** The writer sent more than their per-minute budget; the close reason says when to retry ("rate:<seconds>"). */
export const CLOSE_WRITE_RATE = 4529;

export type WriteRefusal =
  { kind: "too_large"; scope: "document" | "write"; limitBytes: number } | { kind: "rate"; retryAfterSeconds: number };

function mb(bytes: number): string {
  const v = bytes / (1024 * 1024);
  return v >= 1 ? `${Number(v.toFixed(1))} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** What the writer is told, in words (the server's permission-denied message and the editors' notice). */
export function writeRefusalText(r: WriteRefusal): string {
  if (r.kind === "rate")
    return `写入过于频繁，暂未保存到服务器：本机已保留你的修改，约 ${r.retryAfterSeconds} 秒后自动重试。`;
  const what =
    r.scope === "document" ? `这份文档已接近 ${mb(r.limitBytes)} 的上限` : `一次修改超过 ${mb(r.limitBytes)}`;
  return `内容过大，未能保存到服务器：${what}。本机已保留你的修改。`;
}

/** The WebSocket close reason that carries a refusal (at most 123 bytes, so numbers only). */
export function writeRefusalReason(r: WriteRefusal): string {
  return r.kind === "rate" ? `rate:${r.retryAfterSeconds}` : `too_large:${r.scope}:${r.limitBytes}`;
}

/** The refusal behind a close, or null when the close was about something else. */
export function parseWriteRefusal(code: number, reason: string): WriteRefusal | null {
  if (code === CLOSE_WRITE_RATE) {
    const s = Number(/^rate:(\d+)$/.exec(reason)?.[1]);
    return { kind: "rate", retryAfterSeconds: Number.isFinite(s) && s > 0 ? s : 60 };
  }
  if (code === CLOSE_WRITE_TOO_LARGE) {
    const m = /^too_large:(document|write):(\d+)$/.exec(reason);
    return { kind: "too_large", scope: m?.[1] === "write" ? "write" : "document", limitBytes: Number(m?.[2] ?? 0) };
  }
  return null;
}

/**
 * How long an editor waits before sending a refused write again: the server's hint for the rate,
 * and for a too-large write a growing pause (30 s, then up to 5 min): it is refused again unless the
 * limits changed, since the editor's undo history keeps deleted text and sends it along.
 */
export function retryDelayMs(r: WriteRefusal, attempt: number): number {
  if (r.kind === "rate") return (r.retryAfterSeconds + 1) * 1000;
  return Math.min(30_000 * 2 ** attempt, 300_000);
}

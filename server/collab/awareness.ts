import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

export interface AwarenessUser {
  id: string;
  name: string;
  color: string;
}

/** A presence state larger than the cap (a name, a colour and a caret take a few hundred bytes). */
export class PresenceTooLarge extends Error {}

const utf8 = new TextDecoder();

/**
 * Rewrites an awareness update from a connection so every state it carries names the
 * authenticated user, and drops entries for client ids that another connection owns.
 * A client therefore cannot appear as someone else, whatever it sends. A state over
 * `maxStateBytes` throws PresenceTooLarge before it is parsed: nothing of the update is kept.
 */
export function bindAwarenessUpdate(
  update: Uint8Array,
  user: AwarenessUser,
  mayControl: (clientId: number) => boolean,
  maxStateBytes = Infinity,
): Uint8Array {
  const d = decoding.createDecoder(update);
  const e = encoding.createEncoder();
  const n = decoding.readVarUint(d);
  const entries: { clientId: number; clock: number; json: string }[] = [];
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const bytes = decoding.readVarUint8Array(d); // the state's JSON, as readVarString would read it
    if (bytes.byteLength > maxStateBytes)
      throw new PresenceTooLarge(`presence state of ${bytes.byteLength} bytes, over the ${maxStateBytes}-byte cap`);
    const state = JSON.parse(utf8.decode(bytes)) as Record<string, unknown> | null;
    // A state is an object (or null: gone). Anything else could not carry the bound user.
    if (state !== null && (typeof state !== "object" || Array.isArray(state)))
      throw new Error("a presence state must be an object or null");
    if (!mayControl(clientId)) continue;
    if (state !== null) {
      const claimed = typeof state.user === "object" && state.user !== null ? state.user : {};
      state.user = { ...claimed, id: user.id, name: user.name, color: user.color };
    }
    entries.push({ clientId, clock, json: JSON.stringify(state) });
  }
  encoding.writeVarUint(e, entries.length);
  for (const x of entries) {
    encoding.writeVarUint(e, x.clientId);
    encoding.writeVarUint(e, x.clock);
    encoding.writeVarString(e, x.json);
  }
  return encoding.toUint8Array(e);
}

/** The awareness client ids an encoded awareness update speaks about. */
export function awarenessClientIds(update: Uint8Array): number[] {
  const d = decoding.createDecoder(update);
  const n = decoding.readVarUint(d);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(decoding.readVarUint(d));
    decoding.readVarUint(d); // clock
    decoding.readVarString(d); // state
  }
  return ids;
}

import { z } from "zod";

// Record ids are UUIDs. One pattern for every place that checks one (forms, routes, document
// names), so a 36-character string that is not a UUID never reaches the database.

export const UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const UUID_RE = new RegExp(`^${UUID_PATTERN}$`, "i");

export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID_RE.test(v);

/** A form field holding a record's id, with the Chinese message for anything else. */
export const idField = (message: string) => z.string({ error: message }).trim().regex(UUID_RE, message);

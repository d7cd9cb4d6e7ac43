/**
 * A refusal the user can act on: a Chinese message, optionally tied to a form field, and the
 * HTTP status to answer with. Services throw it; route actions turn it into a 4xx reply.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 410 | 413 | 422 | 429 = 400,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** For records the user may not see, so existence does not leak. */
export const hidden = () => new DomainError("没有找到这条记录，或你没有查看它的权限。", 404);

export { UUID_RE } from "../../shared/ids";

/** Postgres unique-violation, raised when two requests race for the same sign-in name. */
export const isUniqueViolation = (e: unknown, constraint?: string) =>
  typeof e === "object" &&
  e !== null &&
  (e as { code?: string }).code === "23505" &&
  (!constraint || (e as { constraint_name?: string }).constraint_name === constraint);

import { data } from "@remix-run/node";
import type { ZodError } from "zod";
import { DomainError } from "../../server/services/errors";
import { notFound } from "./auth.server";

export interface FormErrors {
  formError?: string;
  fieldErrors?: Record<string, string>;
  /** Which form on a page with several the reply is for. */
  intent?: string;
}

/** A 400 with the first message per field of a failed zod parse. */
export function invalid(error: ZodError, intent?: string) {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    fieldErrors[key] ??= issue.message;
  }
  const formError = fieldErrors.form;
  return data<FormErrors>({ fieldErrors, formError: formError ?? "请检查标出的内容。", intent }, { status: 400 });
}

/**
 * A service's refusal as the page's answer: its status and its Chinese words (a hidden record's
 * 404 says no more than "not found or not yours"); anything else is a real fault and is rethrown.
 * The one mapping loaders use, so a 403 or 409 from a service is never a 500.
 */
export function domainResponse(e: unknown): never {
  if (!(e instanceof DomainError)) throw e;
  if (e.status === 404) notFound();
  throw new Response(e.message, { status: e.status });
}

/** Awaits a service call in a loader, answering its refusal with domainResponse. */
export async function loaded<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    domainResponse(e);
  }
}

/**
 * Turns a service's refusal into a 4xx reply for the form; anything else is a real fault and
 * is rethrown (a 500 with the error page). A hidden record is a 404 page, not a form message.
 */
export function refused(e: unknown, intent?: string) {
  if (!(e instanceof DomainError)) throw e;
  if ((e.status === 404 || e.status === 403) && !e.field) throw new Response(e.message, { status: e.status });
  return data<FormErrors>(
    { formError: e.field ? undefined : e.message, fieldErrors: e.field ? { [e.field]: e.message } : undefined, intent },
    { status: e.status },
  );
}

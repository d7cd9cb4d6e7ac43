import { z } from "zod";
import { withoutBidiControls } from "./text";
import { CATEGORIES, CATEGORY_LABEL, ROLE_LABEL, ROLES, type Category, type Role } from "./labels";
import { holdsPost } from "../permissions";

// Rules about people that both the forms (for instant feedback) and the server (for the
// final word) apply: sign-in names, the person form, probation and voting rights.

/** Strips what people type around a phone number: spaces, dashes, a +86 prefix, full-width digits. */
export function normalizeSignInName(raw: string): string {
  let s = raw.normalize("NFKC").trim();
  if (/^[+\d\s\-()]+$/.test(s)) {
    s = s.replace(/[\s\-()]/g, "");
    s = s.replace(/^(\+86|0086)(?=1\d{10}$)/, "");
  }
  return s;
}

const MOBILE_RE = /^1[3-9]\d{9}$/;
const STAFF_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/;

/**
 * A sign-in name is a mobile number or a staff number. A run of ten or more digits is read as
 * a phone number and must be a valid mainland mobile number; shorter digit runs and anything
 * with letters are staff numbers (3 to 32 letters, digits, "_", "." or "-").
 * Returns an error message, or null when valid. Expects a normalised name.
 */
export function signInNameError(name: string): string | null {
  if (name.length === 0) return "请填写登录名（手机号或工号）";
  if (/^\d{10,}$/.test(name)) return MOBILE_RE.test(name) ? null : `手机号“${name}”格式不正确：应为 1 开头的 11 位数字`;
  if (!STAFF_RE.test(name)) return `登录名“${name}”格式不正确：应为手机号，或 3–32 位字母、数字组成的工号`;
  return null;
}

export const SignInNameSchema = z
  .string({ error: "请填写登录名（手机号或工号）" })
  .transform(normalizeSignInName)
  .superRefine((v, ctx) => {
    const e = signInNameError(v);
    if (e) ctx.addIssue({ code: "custom", message: e });
  });

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const isoDate = z
  .string()
  .trim()
  .regex(DATE_RE, "日期格式应为 2026-07-01")
  .refine(
    (s) => !Number.isNaN(Date.parse(s + "T00:00:00Z")) && new Date(s + "T00:00:00Z").toISOString().startsWith(s),
    "日期不存在",
  );

/** One year after a date, as the 党章 sets the probation (29 Feb rolls to 1 Mar). */
export function oneYearAfter(isoDay: string): string {
  const d = new Date(isoDay + "T00:00:00Z");
  const next = new Date(Date.UTC(d.getUTCFullYear() + 1, d.getUTCMonth(), d.getUTCDate()));
  return next.toISOString().slice(0, 10);
}

export const DisplayNameSchema = z
  .string({ error: "请填写姓名" })
  .transform((s) => withoutBidiControls(s.normalize("NFKC")).trim().replace(/\s+/g, " "))
  .pipe(z.string().min(1, "请填写姓名").max(32, "姓名最长 32 个字"));

/**
 * What a secretary enters about a person. For a 预备党员 the probation start is required and
 * the end defaults to one year later.
 */
export const PersonSchema = z
  .object({
    displayName: DisplayNameSchema,
    category: z.enum(CATEGORIES, { error: "请选择人员类别" }),
    probationStartedOn: z.preprocess((v) => (v === "" || v == null ? undefined : v), isoDate.optional()),
    probationEndsOn: z.preprocess((v) => (v === "" || v == null ? undefined : v), isoDate.optional()),
  })
  .transform((p, ctx) => {
    if (p.category !== "probationary") return { ...p, probationStartedOn: null, probationEndsOn: null };
    if (!p.probationStartedOn) {
      ctx.addIssue({ code: "custom", path: ["probationStartedOn"], message: "预备党员须填写预备期开始日期" });
      return z.NEVER;
    }
    const end = p.probationEndsOn ?? oneYearAfter(p.probationStartedOn);
    if (end <= p.probationStartedOn) {
      ctx.addIssue({ code: "custom", path: ["probationEndsOn"], message: "预备期结束日期应晚于开始日期" });
      return z.NEVER;
    }
    return { ...p, probationStartedOn: p.probationStartedOn, probationEndsOn: end };
  });
export type PersonInput = z.output<typeof PersonSchema>;

export const RoleSchema = z.enum(ROLES, { error: "请选择职务" });

/** 是/否 as people write it in a form or a roster. */
export const yesNo = (v: unknown) =>
  typeof v === "boolean" ? v : typeof v === "string" ? /^(是|y|yes|true|1|on|√|✓)$/i.test(v.trim()) : false;

export const PasswordSchema = z
  .string({ error: "请输入密码" })
  .min(8, "密码至少 8 位")
  .max(128, "密码最长 128 位")
  .refine((s) => !/^\d+$/.test(s), "密码不能全是数字，请加入字母或符号");

/**
 * Voting rights are derived, never stored: only a 正式党员 votes, and only in organisations
 * where they are a regular member (a 流动党员 takes part in the host branch but has no vote).
 */
export function hasVote(category: Category, membership: { mobile: boolean }): boolean {
  return category === "full" && !membership.mobile;
}

/** Only a 正式党员 may be elected, so only they hold a post; others are ordinary members. */
export function postEligibilityError(category: Category, role: Role): string | null {
  if (!holdsPost(role) || category === "full") return null;
  return `${CATEGORY_LABEL[category]}没有被选举权，不能担任“${ROLE_LABEL[role]}”`;
}

import { KINDS_HELD_BY, kindsAnsweredFor, type MeetingKind, type OrgKind } from "./labels";
import type { Weekday } from "../time";

// The 三会一课 rules of each kind of meeting: how often it is due (cadence), who should attend,
// its fixed day, notice and attendance threshold, by default and for each kind of organisation;
// the branch-wide local rules; which kinds an organisation holds. What a branch may change and
// how stored changes are read is in org-settings.ts; the periods a cadence makes in periods.ts.

export const CADENCES = ["monthly", "bimonthly", "quarterly", "half_yearly", "yearly", "none"] as const;
export type Cadence = (typeof CADENCES)[number];
/** A cadence that has periods (everything but "none"). */
export type PeriodCadence = Exclude<Cadence, "none">;

export const CADENCE_LABEL: Record<Cadence, string> = {
  monthly: "每月",
  bimonthly: "每两个月",
  quarterly: "每季度",
  half_yearly: "每半年",
  yearly: "每年",
  none: "不定期",
};

/** 1st to 4th, or -1 for the last one in the month. */
export type NthWeekday = 1 | 2 | 3 | 4 | -1;
export const WEEKDAY_LABEL = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"] as const;

/** 「周五」 for a calendar date "2027-02-05"; "" for anything that is not a date. */
export function weekdayOfDate(date: string): string {
  const d = new Date(date + "T00:00:00Z");
  return Number.isNaN(d.getTime()) ? "" : WEEKDAY_LABEL[d.getUTCDay()];
}

/** A fixed meeting day (*local*): e.g. the first Friday of the month, or the 15th. */
export type FixedDay = { weekday: Weekday; nth: NthWeekday } | { dayOfMonth: number /* 1..28 */ };

export type Attendees = "members" | "committee" | "group";

export interface KindRule {
  /** Held here at all: false for an optional kind (a 党员代表大会) until the settings turn it on. */
  enabled: boolean;
  cadence: Cadence;
  /** Who should attend (应到): all members of the branch, the 支部委员会, or one 党小组. */
  attendees: Attendees;
  /** Whether 入党积极分子 and 发展对象 are invited (列席), as for a 党课. */
  inviteActivists: boolean;
  fixedDay?: FixedDay;
  /** How many days ahead the members are notified. */
  noticeDays: number;
  /** Expected attendance rate 实到 / 应到, 0..1. */
  attendanceThreshold: number;
}

/** Defaults from the 条例 and common practice (domain.md); *local* ones can be overridden per branch. */
export const DEFAULT_RULES: Readonly<Record<MeetingKind, Readonly<KindRule>>> = {
  general_assembly: {
    enabled: true,
    cadence: "quarterly",
    attendees: "members",
    inviteActivists: false,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  committee_meeting: {
    enabled: true,
    cadence: "monthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  group_meeting: {
    enabled: true,
    cadence: "monthly",
    attendees: "group",
    inviteActivists: false,
    // the 党小组长 notifies the members a day ahead
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  party_lecture: {
    enabled: true,
    cadence: "quarterly",
    attendees: "members",
    inviteActivists: true,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  theme_day: {
    enabled: true,
    cadence: "monthly",
    attendees: "members",
    inviteActivists: false,
    fixedDay: { weekday: 5, nth: 1 },
    noticeDays: 3,
    attendanceThreshold: 0.85,
  },
  life_meeting: {
    enabled: true,
    cadence: "yearly",
    attendees: "members",
    inviteActivists: false,
    noticeDays: 10,
    attendanceThreshold: 0.8,
  },
  member_review: {
    enabled: true,
    cadence: "yearly",
    attendees: "members",
    inviteActivists: false,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  // A 党委's or 党总支's own (domain.md, "Levels above the branch"): local cadences.
  party_committee: {
    enabled: true,
    cadence: "monthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  general_committee: {
    enabled: true,
    cadence: "monthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  central_study: {
    enabled: true,
    cadence: "bimonthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  // Only where a 党员代表大会 is established; no cadence of its own by default (a term's congress).
  party_congress: {
    enabled: false,
    cadence: "none",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 10,
    attendanceThreshold: 0.8,
  },
  // The leadership body's 民主生活会: yearly, 10 days' notice, at least 2/3 of the committee present
  // (a rule, not a local threshold: life-cycle.ts lifeQuorum) and reported upward within 15 days.
  leadership_life_meeting: {
    enabled: true,
    cadence: "yearly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 10,
    attendanceThreshold: 2 / 3,
  },
};

/**
 * Where an organisation's kind changes a default: a 党委's or 党总支's 党课 is its 书记's to the
 * branches, at least once a year (domain.md), not a branch's quarterly one.
 */
const ORG_KIND_DEFAULTS: Partial<Record<OrgKind, Partial<Record<MeetingKind, Partial<KindRule>>>>> = {
  committee: { party_lecture: { cadence: "yearly" } },
  general_branch: { party_lecture: { cadence: "yearly" } },
};

/** The default rule of a kind for an organisation of this kind. */
export function defaultRule(kind: MeetingKind, orgKind?: OrgKind): Readonly<KindRule> {
  const patch = orgKind ? ORG_KIND_DEFAULTS[orgKind]?.[kind] : undefined;
  return patch ? { ...DEFAULT_RULES[kind], ...patch } : DEFAULT_RULES[kind];
}

/**
 * The kinds an organisation holds (KINDS_HELD_BY), less the optional ones its settings have not
 * turned on. What the scheduling forms offer and the annual plan proposes.
 */
export function kindsHeld(orgKind: OrgKind, settings: Pick<ResolvedSettings, "kinds">): MeetingKind[] {
  return KINDS_HELD_BY[orgKind].filter((k) => settings.kinds[k].enabled);
}

/** The kinds an organisation answers for in compliance (a 党支部 also its groups' 党小组会), turned on. */
export function kindsAnswered(orgKind: OrgKind, settings: Pick<ResolvedSettings, "kinds">): MeetingKind[] {
  return kindsAnsweredFor(orgKind).filter((k) => settings.kinds[k].enabled);
}

/** Branch-wide local rules. */
export interface BranchWideSettings {
  /** Unexcused absences (in the period looked at) that call for a talk with the 书记. */
  absenceAlertCount: number;
  /** Days without organisational life after which the 书记 is warned (well before six months). */
  lapseWarningDays: number;
  /** Days after a meeting by which its minutes should be written. */
  minutesDueDays: number;
  /**
   * Who may read a submitted 心得体会 besides its author: the committee (and the host) only,
   * or the whole branch. Drafts are always the author's own.
   */
  reflectionVisibility: ReflectionVisibility;
  /** 民主评议: the largest share of members the 支委会 may rate 优秀, in percent (rounded down, at least one). */
  reviewExcellentPercent: number;
  /**
   * 组织生活会: who sees who wrote a criticism besides its author: the person concerned and the
   * 支委 ("concerned"), or everyone who may read the note ("readers").
   */
  criticismAuthors: CriticismAuthorsSetting;
}

export const CRITICISM_AUTHORS_SETTINGS = ["concerned", "readers"] as const;
export type CriticismAuthorsSetting = (typeof CRITICISM_AUTHORS_SETTINGS)[number];

export const REFLECTION_VISIBILITIES = ["committee", "branch"] as const;
export type ReflectionVisibility = (typeof REFLECTION_VISIBILITIES)[number];

export const DEFAULT_BRANCH_SETTINGS: Readonly<BranchWideSettings> = {
  absenceAlertCount: 3,
  lapseWarningDays: 120,
  minutesDueDays: 7,
  reflectionVisibility: "committee",
  reviewExcellentPercent: 30,
  criticismAuthors: "concerned",
};

export interface ResolvedSettings extends BranchWideSettings {
  kinds: Record<MeetingKind, KindRule>;
}

/**
 * The least frequent cadence each kind may be set to. The 条例 fixes these; only the 党课
 * ("按期") and the 主题党日 are left to local rules.
 */
export const LEAST_FREQUENT_CADENCE: Record<MeetingKind, Cadence> = {
  general_assembly: "quarterly",
  committee_meeting: "monthly",
  group_meeting: "monthly",
  party_lecture: "yearly",
  theme_day: "none",
  life_meeting: "yearly",
  member_review: "yearly",
  party_committee: "none",
  general_committee: "none",
  central_study: "none",
  party_congress: "none",
  leadership_life_meeting: "yearly",
};

/** Six consecutive months without organisational life counts as leaving the Party (党章). */
export const LAPSE_MONTHS = 6;

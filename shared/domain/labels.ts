// Chinese labels for the stored codes; the codes are English so SQL and logs stay readable.
export const ROLES = [
  "secretary",
  "deputy_secretary",
  "organization_member",
  "propaganda_member",
  "discipline_member",
  "group_leader",
  "member",
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABEL: Record<Role, string> = {
  secretary: "书记",
  deputy_secretary: "副书记",
  organization_member: "组织委员",
  propaganda_member: "宣传委员",
  discipline_member: "纪检委员",
  group_leader: "党小组长",
  member: "党员",
};

/**
 * Other words people write for a role in a roster they bring (支部书记 for 书记, 普通党员 for
 * 党员): read by the roster import, next to ROLE_LABEL so the two are kept together.
 */
export const ROLE_LABEL_ALIASES: Readonly<Record<string, Role>> = {
  支部书记: "secretary",
  支部副书记: "deputy_secretary",
  党小组组长: "group_leader",
  普通党员: "member",
};

/** Roles that sit on a 支部委员会 (or lead the organisation). */
export const COMMITTEE_ROLES: readonly Role[] = [
  "secretary",
  "deputy_secretary",
  "organization_member",
  "propaganda_member",
  "discipline_member",
];

/** Roles that manage an organisation's people and records: they convene, and keep the records. */
export const MANAGER_ROLES: readonly Role[] = ["secretary", "deputy_secretary", "organization_member"];

export const CATEGORIES = ["full", "probationary", "candidate", "activist"] as const;
export type Category = (typeof CATEGORIES)[number];
export const CATEGORY_LABEL: Record<Category, string> = {
  full: "正式党员",
  probationary: "预备党员",
  candidate: "发展对象",
  activist: "入党积极分子",
};
/** Other words for a category in a roster people bring (中共党员 for 正式党员), for the roster import. */
export const CATEGORY_LABEL_ALIASES: Readonly<Record<string, Category>> = {
  积极分子: "activist",
  中共党员: "full",
  中共预备党员: "probationary",
  党员: "full",
};

export const ORG_KINDS = ["committee", "general_branch", "branch", "group"] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const ORG_KIND_LABEL: Record<OrgKind, string> = {
  committee: "党委",
  general_branch: "党总支",
  branch: "党支部",
  group: "党小组",
};

export const MEETING_KINDS = [
  "general_assembly",
  "committee_meeting",
  "group_meeting",
  "party_lecture",
  "theme_day",
  "life_meeting",
  "member_review",
  // a 党委's or 党总支's own meetings (domain.md, "Levels above the branch")
  "party_committee",
  "general_committee",
  "central_study",
  "party_congress",
  // a 党委's or 党总支's leadership body examining itself (domain.md, 组织生活会 and 民主生活会)
  "leadership_life_meeting",
] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_LABEL: Record<MeetingKind, string> = {
  general_assembly: "支部党员大会",
  committee_meeting: "支委会",
  group_meeting: "党小组会",
  party_lecture: "党课",
  theme_day: "主题党日",
  life_meeting: "组织生活会",
  member_review: "民主评议党员",
  party_committee: "党委会",
  general_committee: "总支委员会",
  central_study: "理论学习中心组学习",
  party_congress: "党员代表大会",
  leadership_life_meeting: "民主生活会",
};

/**
 * Which meetings each kind of organisation holds itself: the one place this is decided (the
 * scheduling forms, the annual plan, compliance, reminders and settings all ask here). A 党支部's
 * 党小组会 are held by its 党小组; the branch answers for them (kindsAnsweredFor).
 * A 党委's 党课 is the 党委书记's to the branches; its 党员代表大会 only where one is established
 * (OPTIONAL_KINDS: off until its settings turn it on).
 */
export const KINDS_HELD_BY: Readonly<Record<OrgKind, readonly MeetingKind[]>> = {
  committee: ["party_committee", "central_study", "party_lecture", "party_congress", "leadership_life_meeting"],
  general_branch: ["general_committee", "central_study", "party_lecture", "leadership_life_meeting"],
  branch: ["general_assembly", "committee_meeting", "party_lecture", "theme_day", "life_meeting", "member_review"],
  group: ["group_meeting"],
};

/** Kinds an organisation holds only once its settings say so (a 党员代表大会 where established). */
export const OPTIONAL_KINDS: readonly MeetingKind[] = ["party_congress"];

/** The kinds whose cadence an organisation answers for: its own, and a 党支部 its groups' 党小组会. */
export function kindsAnsweredFor(orgKind: OrgKind): readonly MeetingKind[] {
  if (orgKind !== "branch") return KINDS_HELD_BY[orgKind];
  return MEETING_KINDS.filter((k) => k === "group_meeting" || KINDS_HELD_BY.branch.includes(k));
}

/** 「本支部」, 「本党委」: how a page speaks of the organisation it is about. */
export function ownOrgWord(orgKind: OrgKind): string {
  return orgKind === "branch" ? "本支部" : `本${ORG_KIND_LABEL[orgKind]}`;
}

/** The two who sign a meeting's record off (docs/decisions/038). */
export const SIGN_OFF_ROLE_LABEL = { host: "主持人", recorder: "记录人" } as const;

// The well-known sign-ins bench/seed-large.ts creates and bench/dashboard.ts uses.
export const BENCH_PASSWORD = "tongxin2026";
export const COMMITTEE_SECRETARY = { username: "13900000001", name: "周国栋", role: "党委书记" };
export const BRANCH_SECRETARY = { username: "13900000002", name: "王建华", role: "书记" };

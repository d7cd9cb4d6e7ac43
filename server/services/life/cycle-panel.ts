import type { Sql } from "../../../db/client";
import { hasLifeCycle } from "../../../shared/domain/life-cycle";
import type { LifeStage } from "../../../shared/domain/life-stages";
import { mayAskAboveAccess, type Subject } from "../../../shared/permissions";
import { aboveGrantActive, grantsFor, type AboveGrant } from "./above-access";
import { loadMeetingScope } from "../meeting-scope";
import { lifeReports, type LifeReports } from "./reports";
import { lifeStages } from "./stages";
import { lifeStudy, type LifeStudy } from "./study";

// What the meeting page of a 组织生活会 (or 民主生活会) shows of the cycle (decision 036): the
// stages, the study, the reports upward, the grants the level above asked for (a line the branch
// sees), and whether the viewer may ask for one. Null for a meeting without the cycle.

export interface LifeCyclePanel {
  stages: LifeStage[];
  /** The viewer sees who is missing (lifeStagesAccess detail). */
  detail: boolean;
  study: LifeStudy;
  reports: LifeReports;
  grants: AboveGrant[];
  /** The viewer sits on a committee above and may ask to read the confidential records. */
  mayAsk: boolean;
  /** The viewer holds a grant now. */
  holdsGrant: boolean;
}

export async function lifeCyclePanel(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  now = new Date(),
): Promise<LifeCyclePanel | null> {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  if (!hasLifeCycle(scope.row.kind)) return null;
  const { stages, detail } = await lifeStages(sql, scope);
  const mayAsk = mayAskAboveAccess(subject, scope.resource) && scope.row.status !== "cancelled";
  return {
    stages,
    detail,
    study: await lifeStudy(sql, scope, now),
    reports: await lifeReports(sql, scope, now),
    grants: await grantsFor(sql, scope, now),
    mayAsk,
    holdsGrant: mayAsk && (await aboveGrantActive(sql, subject.userId, meetingId, now)),
  };
}

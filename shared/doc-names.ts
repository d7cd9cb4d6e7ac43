// Live documents are named <namespace>.<id>.<part>, e.g. meeting.<uuid>.minutes.
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const MEETING_DOC = new RegExp(`^meeting\\.(${UUID})\\.(minutes)$`);

export type DocName = { kind: "meeting-minutes"; meetingId: string };

export function parseDocName(name: string): DocName | null {
  const m = MEETING_DOC.exec(name);
  if (!m) return null;
  return { kind: "meeting-minutes", meetingId: m[1] };
}

export const meetingMinutesDoc = (meetingId: string) => `meeting.${meetingId}.minutes`;

import { describe, expect, it } from "vitest";
import { meetingMinutesDoc, parseDocName } from "./doc-names";

describe("document names", () => {
  const id = "6e5f6c90-6bdc-4363-badf-c4fc81a0136f";
  it("round-trips a meeting's minutes", () => {
    expect(parseDocName(meetingMinutesDoc(id))).toEqual({ kind: "meeting-minutes", meetingId: id });
  });
  it.each([
    "",
    "meeting",
    `meeting.${id}`,
    `meeting.${id}.other`,
    `meeting.${id}.minutes/x`,
    `../meeting.${id}.minutes`,
    "meeting.not-a-uuid.minutes",
  ])("rejects %j", (name) => expect(parseDocName(name)).toBeNull());
});

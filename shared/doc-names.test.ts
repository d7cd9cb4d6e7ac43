import { describe, expect, it } from "vitest";
import { examinationDoc, meetingLiveDoc, meetingMinutesDoc, parseDocName, reflectionDoc } from "./doc-names";

describe("document names", () => {
  const id = "6e5f6c90-6bdc-4363-badf-c4fc81a0136f";
  it("round-trips a meeting's minutes", () => {
    expect(parseDocName(meetingMinutesDoc(id))).toEqual({ kind: "meeting-minutes", meetingId: id });
  });
  it("round-trips a session's live channel and a reflection", () => {
    const author = "0b7e1c2a-1111-4222-8333-944455556666";
    expect(parseDocName(meetingLiveDoc(id))).toEqual({ kind: "meeting-live", meetingId: id });
    expect(parseDocName(reflectionDoc(id, author))).toEqual({ kind: "reflection", meetingId: id, authorId: author });
  });
  it("round-trips a 对照检查材料", () => {
    const author = "0b7e1c2a-1111-4222-8333-944455556666";
    expect(parseDocName(examinationDoc(id, author))).toEqual({ kind: "examination", meetingId: id, authorId: author });
  });
  it.each([
    "",
    "meeting",
    `meeting.${id}`,
    `meeting.${id}.other`,
    `meeting.${id}.minutes/x`,
    `../meeting.${id}.minutes`,
    "meeting.not-a-uuid.minutes",
    `meeting.${id}.reflection`,
    `meeting.${id}.reflection.x`,
    `meeting.${id}.examination`,
    `meeting.${id}.examination.x`,
    `meeting.${id}.live.x`,
  ])("rejects %j", (name) => expect(parseDocName(name)).toBeNull());
});

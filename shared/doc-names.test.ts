import { describe, expect, it } from "vitest";
import {
  criticismAnswerDoc,
  criticismDoc,
  criticismNoteDoc,
  examinationDoc,
  meetingLiveDoc,
  meetingMinutesDoc,
  parseDocName,
  reflectionDoc,
} from "./doc-names";

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
  it("round-trips a criticism, an answer and a composed note", () => {
    const a = "0b7e1c2a-1111-4222-8333-944455556666";
    const b = "1c8f2d3b-2222-4333-9444-a55566667777";
    expect(parseDocName(criticismDoc(id, a, b))).toEqual({
      kind: "criticism",
      meetingId: id,
      targetId: a,
      authorId: b,
    });
    expect(parseDocName(criticismAnswerDoc(id, a))).toEqual({ kind: "criticism-answer", meetingId: id, personId: a });
    expect(parseDocName(criticismNoteDoc(id, a))).toEqual({ kind: "criticism-note", meetingId: id, personId: a });
  });
  it.each([
    "",
    `meeting.${id}.criticism.0b7e1c2a-1111-4222-8333-944455556666`,
    `meeting.${id}.criticism-note.x`,
    `meeting.${id}.answer`,
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

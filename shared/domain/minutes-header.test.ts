import { describe, expect, it } from "vitest";
import { minutesHeader, type HeaderPerson, type MinutesHeaderInput } from "./minutes-header";

const person = (name: string, status: HeaderPerson["status"], extra: Partial<HeaderPerson> = {}): HeaderPerson => ({
  name,
  role: "attendee",
  status,
  leaveReason: null,
  ...extra,
});

const base: MinutesHeaderInput = {
  title: "集中学习",
  kind: "general_assembly",
  orgName: "第一党支部",
  startsAt: new Date("2026-11-24T01:00:00Z"),
  endsAt: new Date("2026-11-24T03:00:00Z"),
  startedAt: null,
  endedAt: null,
  location: "党员活动室",
  onlineUrl: null,
  hostName: "王建国",
  recorderName: "李秀英",
  people: [],
};

describe("minutesHeader", () => {
  it("counts 应到 and 实到 with notes, and gives each absence its reason", () => {
    const h = minutesHeader({
      ...base,
      endedAt: new Date("2026-11-24T02:40:00Z"),
      people: [
        person("王建国", "present"),
        person("刘洋", "late"),
        person("陈静", "left_early"),
        person("黄磊", "leave", { leaveReason: "出差" }),
        person("杨帆", "absent"),
        person("冯雪", "present", { role: "guest" }),
        person("赵敏", "absent", { role: "guest" }),
      ],
    });
    // In pinyin order, as a roster is read.
    expect(h.expected).toEqual({ count: 5, names: ["陈静", "黄磊", "刘洋", "王建国", "杨帆"] });
    expect(h.present).toMatchObject({ count: 3, names: ["陈静（早退）", "刘洋（迟到）", "王建国"] });
    expect(h.absent).toEqual([
      { name: "黄磊", reason: "请假：出差" },
      { name: "杨帆", reason: "未请假" },
    ]);
    // After the end only the guests who came are 列席.
    expect(h.guests).toEqual(["冯雪"]);
    expect(h.end.toISOString()).toBe("2026-11-24T02:40:00.000Z");
    expect(h.actualEnd).toBe(true);
  });

  it("before the session: scheduled times, nobody signed in yet is 尚未签到", () => {
    const h = minutesHeader({ ...base, people: [person("刘洋", "pending")] });
    expect(h.start).toEqual(base.startsAt);
    expect(h.actualStart).toBe(false);
    expect(h.absent).toEqual([{ name: "刘洋", reason: "尚未签到" }]);
    expect(h.kindLabel).toBe("支部党员大会");
  });

  it("names an online meeting's place", () => {
    expect(minutesHeader({ ...base, onlineUrl: "https://x" }).place).toBe("党员活动室，线上");
    expect(minutesHeader({ ...base, location: null, onlineUrl: "https://x" }).place).toBe("线上");
  });

  it("says how 实到 attended: 现场 and 线上 counts, online names marked", () => {
    const h = minutesHeader({
      ...base,
      onlineUrl: "https://x",
      people: [
        person("王建国", "present", { mode: "onsite" }),
        person("刘洋", "late", { mode: "online" }),
        person("陈静", "present", { mode: "online" }),
        person("杨帆", "absent"),
      ],
    });
    expect(h.present.names).toEqual(["陈静（线上）", "刘洋（线上、迟到）", "王建国"]);
    expect(h.present.modes).toEqual({ onsite: 1, online: 2, unknown: 0 });
    expect(h.present.summary).toBe("3 人，其中现场 1 人、线上 2 人");
    // A record from before modes were kept, that the rules could not place, is said to be so.
    const old = minutesHeader({ ...base, people: [person("王建国", "present", { mode: null })] });
    expect(old.present.summary).toBe("1 人，其中现场 0 人、线上 0 人、方式未记录 1 人");
    expect(minutesHeader({ ...base, people: [person("杨帆", "pending")] }).present.summary).toBe("0 人");
  });
});

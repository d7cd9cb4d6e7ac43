import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createThrottle, delayAfter } from "./throttle";

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe("delayAfter", () => {
  it("lets five failures pass, then waits 1 s doubling per failure, capped at 30 s (the defaults)", () => {
    const { account } = createThrottle(loadConfig(env({})));
    const waits = Array.from({ length: 12 }, (_, i) => delayAfter(account, i + 1));
    expect(waits).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30]);
  });

  it("holds attendance-code guesses 30 s after the fifth wrong one, doubling up to 5 minutes", () => {
    const { attendanceCode } = createThrottle(loadConfig(env({})));
    const waits = Array.from({ length: 10 }, (_, i) => delayAfter(attendanceCode, i + 1));
    expect(waits).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 300, 300]);
  });

  it("takes its numbers from the environment", () => {
    const t = createThrottle(
      loadConfig(
        env({
          LOGIN_FREE_FAILURES: "3",
          LOGIN_MAX_DELAY_SECONDS: "10",
          LOGIN_ADDRESS_FAILURES: "100",
          LOGIN_ADDRESS_WINDOW_MINUTES: "60",
          LOGIN_DEVICE_DAYS: "30",
        }),
      ),
    );
    expect([3, 4, 5, 6, 7].map((n) => delayAfter(t.account, n))).toEqual([1, 2, 4, 8, 10]);
    expect(t.address).toEqual({ kind: "window", max: 100, windowSeconds: 3600 });
    expect(t.deviceDays).toBe(30);
  });
});

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

// Figures of a process from Linux's /proc (the bench runs on Linux; elsewhere they read as null).

let ticks: number | undefined;
/** Clock ticks per second (getconf CLK_TCK), usually 100. */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU seconds the process has used so far, or null if it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; the fields after it start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]); // field 14 of the whole line
    const stime = Number(fields[12]); // field 15
    return (utime + stime) / clockTicks();
  } catch {
    return null;
  }
}

/** Resident set size now (VmRSS) and at its peak (VmHWM), in KiB. */
export function memory(pid: number): { rssKiB: number; peakKiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssKiB: kib("VmRSS"), peakKiB: kib("VmHWM") };
  } catch {
    return null;
  }
}

/** One line about the machine: cores, memory, CPU model. */
export function machine(): string {
  let model = "unknown CPU";
  let memMiB = 0;
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
    memMiB = Math.round(Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0) / 1024);
  } catch {
    // not Linux
  }
  const cores = (() => {
    try {
      return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
    } catch {
      return NaN;
    }
  })();
  return `${cores} cores (${model}), ${memMiB.toLocaleString("en-US")} MiB RAM, Node ${process.version}`;
}

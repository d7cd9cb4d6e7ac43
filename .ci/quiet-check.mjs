#!/usr/bin/env node
// Runs a command (`npm ci`, `npm run build`) as CI does, shows its output as usual, and fails when
// it printed a warning that is not on the short allow-list below: a newcomer who runs the same
// command should see no warning that is not theirs to act on (issue 14, item 15).
//
//   node .ci/quiet-check.mjs npm ci --no-audit --no-fund
//   node .ci/quiet-check.mjs npm run build
//
// A warning is any non-empty line on stderr (npm, Vite and Rollup write their warnings there), or a
// line on stdout that says warn/warning/deprecated or reports an empty chunk. Exit status: the
// command's own when it failed, 1 when it printed a warning not allowed, else 0.
import { spawn } from "node:child_process";

/**
 * Lines that are not warnings about this project. Keep it short, each with its reason; a warning
 * that can be fixed is fixed instead (vite.config.ts filters the known-harmless Rollup ones).
 */
export const ALLOWED = [
  // npm's own update notice (a newer npm exists): about the machine's npm, not this project.
  /^npm notice\b/,
];

const WARNING_ON_STDOUT = /\bwarn(ing)?s?\b|\bdeprecated\b|empty chunk|\(!\)/i;

/** The lines of a run's output that count as warnings not allowed. */
export function unexpectedWarnings(stdout, stderr) {
  const strip = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trimEnd();
  const lines = [
    ...stderr.split("\n").map(strip),
    ...stdout
      .split("\n")
      .map(strip)
      .filter((l) => WARNING_ON_STDOUT.test(l)),
  ];
  return lines.filter((l) => l.trim() !== "" && !ALLOWED.some((re) => re.test(l.trim())));
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    child.on("error", (e) => resolve({ code: 127, stdout, stderr: stderr + String(e) }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) {
    console.error("usage: node .ci/quiet-check.mjs <command> [args…]");
    process.exit(2);
  }
  const { code, stdout, stderr } = await run(cmd, args);
  const what = [cmd, ...args].join(" ");
  if (code !== 0) {
    console.error(`quiet-check: \`${what}\` failed (exit ${code})`);
    process.exit(code);
  }
  const found = unexpectedWarnings(stdout, stderr);
  if (found.length > 0) {
    console.error(`quiet-check: \`${what}\` printed ${found.length} warning line(s) not on the allow-list:`);
    for (const l of found) console.error(`  | ${l}`);
    console.error("Fix the cause, or, if it is known to be harmless, allow it in .ci/quiet-check.mjs with the reason.");
    process.exit(1);
  }
  console.log(`quiet-check: \`${what}\` printed no warnings`);
}

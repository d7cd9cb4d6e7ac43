#!/usr/bin/env node
// `npm test`'s first step: the typecheck and the lint (prettier, then ESLint) side by side. They
// share nothing and each is mostly one core's work, so on two cores this takes the longer of the
// two instead of their sum (docs/decisions/023). Each one's output is printed whole when it ends,
// so the two never interleave; the exit status is non-zero when either failed.
import { spawn } from "node:child_process";

const checks = [
  ["typecheck", "npm", ["run", "--silent", "typecheck"]],
  ["lint", "npm", ["run", "--silent", "lint"]],
];

const results = await Promise.all(
  checks.map(
    ([name, cmd, args]) =>
      new Promise((resolve) => {
        const started = Date.now();
        const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => {
          const seconds = ((Date.now() - started) / 1000).toFixed(0);
          process.stdout.write(`── ${name}: ${code === 0 ? "ok" : `failed (${code})`} in ${seconds} s\n${out}`);
          resolve(code === 0);
        });
      }),
  ),
);
process.exit(results.every(Boolean) ? 0 : 1);

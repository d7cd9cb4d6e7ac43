import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// .ci/quiet-check.mjs, which CI wraps around `npm ci` and `npm run build`: a warning outside its
// allow-list fails the step, whether on stderr or said on stdout.

const check = (script: string) => {
  const r = spawnSync(process.execPath, [".ci/quiet-check.mjs", process.execPath, "-e", script], { encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe("the CI's quiet check", () => {
  it("passes a command that prints no warning", () => {
    const r = check(`console.log("added 932 packages in 2m"); console.log("✓ built in 9.1s")`);
    expect(r.out).toContain("printed no warnings");
    expect(r.code).toBe(0);
  });

  it("fails on an injected warning, on stderr or on stdout, and names it", () => {
    const npm = check(`console.error("npm warn EBADENGINE Unsupported engine { package: 'x@1' }")`);
    expect(npm.code).toBe(1);
    expect(npm.out).toContain("| npm warn EBADENGINE Unsupported engine");
    const rollup = check(`console.log('Generated an empty chunk: "logout".')`);
    expect(rollup.code).toBe(1);
    expect(rollup.out).toContain('| Generated an empty chunk: "logout".');
    const any = check(`process.stderr.write("\\u001b[33mSomething odd happened\\u001b[39m\\n")`);
    expect(any.code).toBe(1);
    expect(any.out).toContain("| Something odd happened");
  });

  it("lets the allow-list through and keeps a failing command's own exit status", () => {
    expect(check(`console.error("npm notice New minor version of npm available! 11.19.1 -> 11.20.0")`).code).toBe(0);
    const failed = check(`console.error("npm error missing script: build"); process.exit(3)`);
    expect(failed.code).toBe(3);
    expect(failed.out).toContain("failed (exit 3)");
  });
});

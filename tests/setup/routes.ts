import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// What the app answers, read from the build and the source rather than written down by hand, so
// that a route or form intent added later shows up in the access matrix and the bad-input sweep
// (tests/integration/access-matrix.test.ts, bad-input.test.ts) and fails them until it has a row.

export interface AppRoute {
  /** Remix route id, e.g. "routes/meetings.$meetingId_.votes". */
  id: string;
  /** URL pattern, e.g. "/meetings/:meetingId/votes". */
  pattern: string;
  hasLoader: boolean;
  hasAction: boolean;
  /** Form intents the action distinguishes (empty: an action without intents). */
  intents: string[];
}

const root = path.resolve(import.meta.dirname, "../..");

/** Every route of the built app (tests/setup/build.ts builds it before the tests). */
export async function appRoutes(): Promise<AppRoute[]> {
  const build = (await import(pathToFileURL(path.join(root, "build/server/index.js")).href)) as {
    routes: Record<string, { path?: string; index?: boolean; module: Record<string, unknown> }>;
  };
  return Object.entries(build.routes)
    .filter(([id]) => id !== "root")
    .map(([id, r]) => ({
      id,
      pattern: "/" + (r.path ?? ""),
      hasLoader: typeof r.module.loader === "function",
      hasAction: typeof r.module.action === "function",
      intents: typeof r.module.action === "function" ? intentsOf(id) : [],
    }))
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/**
 * The intents a route's action handles, read from its source and the shared schemas it imports:
 * `intent: z.literal("x")`, `case "x"` in the action, `intent === "x"`, `.get("intent") === "x"`,
 * and the buttons and hidden fields named "intent" its page renders.
 */
export function intentsOf(routeId: string): string[] {
  const file = path.join(root, "app", `${routeId}.tsx`);
  const source = readFileSync(file, "utf8");
  const texts = [source];
  // The definitions of the schemas it imports by name (not the whole schema file: several pages
  // share one file, e.g. the attendance page and 补学).
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from "(\.\.\/\.\.\/shared\/(?:schemas|domain)\/[\w-]+)"/g)) {
    const schemaFile = readFileSync(path.join(path.dirname(file), `${m[2]}.ts`), "utf8");
    for (const name of m[1].split(",").map((n) => n.trim().replace(/^type\s+/, ""))) {
      const at = schemaFile.indexOf(`export const ${name} =`);
      if (at < 0) continue;
      const next = schemaFile.indexOf("\nexport ", at + 1);
      texts.push(schemaFile.slice(at, next < 0 ? undefined : next));
    }
  }
  // `case "x":` only inside the action itself (a page's components switch over other things).
  const actionAt = source.indexOf("export async function action");
  const actionBody = actionAt < 0 ? "" : source.slice(actionAt, source.indexOf("\n}\n", actionAt) + 2);
  const found = new Set<string>();
  for (const m of actionBody.matchAll(/\bcase "([\w-]+)":/g)) found.add(m[1]);
  const patterns = [
    /intent:\s*z\.literal\("([\w:-]+)"/g,
    /intent(?:s)?\)? ===? "([\w-]+)"/g,
    /\.get\("intent"\) === "([\w-]+)"/g,
    /intents\.includes\("([\w-]+)"\)/g,
    /name="intent"\s+value="([\w-]+)"/g,
    /value="([\w-]+)"\s+name="intent"/g,
    /\bintent="([\w-]+)"/g,
  ];
  for (const text of texts) for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[1]);
  return [...found].sort();
}

/** A concrete URL for a pattern, with its parameters filled in (unknown ones stay as they are). */
export function fill(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (whole, name: string) => params[name] ?? whole);
}

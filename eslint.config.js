import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Lint: the usual correctness rules, React's rules of hooks, and the dependency arrows of
// docs/ARCHITECTURE.md as import rules, so the layering is kept by CI and not only by review
// (docs/decisions/025-lint-rules.md). Type-only imports may cross a boundary: they vanish at build.

/** `no-restricted-imports` for the given path patterns (type-only imports allowed). */
const forbid = (...groups) => ({
  "@typescript-eslint/no-restricted-imports": [
    "error",
    { patterns: groups.map(([group, message]) => ({ group, message, allowTypeImports: true })) },
  ],
});

export default tseslint.config(
  {
    ignores: ["build/**", "node_modules/**", "data/**", "test-results/**", "bench/peers/**", "public/**", "**/*.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "no-control-regex": "off", // control characters are exactly what several checks look for
    },
  },
  // shared/ is imported by the browser and the server: it imports nothing of ours outside shared/.
  {
    files: ["shared/**"],
    rules: forbid([
      ["**/server/**", "**/app/**", "**/db/**", "**/tests/**", "**/bench/**"],
      "shared/ imports only shared/ and npm packages.",
    ]),
  },
  // app/: routes call services; nothing in app/ reaches the database, the collaboration server or
  // anything stateful (server/app.ts creates those once and hands them over in the load context).
  {
    files: ["app/**"],
    rules: forbid(
      [["**/db/**"], "app/ never reaches db/: call a service in server/services."],
      [
        ["**/server/collab/**", "**/server/app", "**/server/main", "**/server/logger", "**/server/config"],
        "app/ never imports stateful server modules; they arrive through the load context.",
      ],
    ),
  },
  // Browser code (components, hooks, non-.server helpers) never imports a server module.
  {
    files: ["app/components/**", "app/lib/**", "app/*.ts", "app/*.tsx"],
    // Route modules (root.tsx is the root route) run their loaders on the server: Remix keeps those imports out of the browser.
    ignores: ["app/**/*.server.ts", "app/**/*.server.tsx", "app/entry.server.tsx", "app/root.tsx"],
    rules: forbid([["**/server/**", "**/db/**"], "Browser code never imports a server module (only `import type`)."]),
  },
  // The collaboration server knows documents, not meetings: it imports no domain service.
  {
    files: ["server/collab/**"],
    rules: forbid([
      ["**/services/**", "**/app/**"],
      "server/collab imports no service; server/app.ts hands it callbacks.",
    ]),
  },
  // Services take `sql` and work on data; they never import the Remix app or the collaboration server's wiring.
  {
    files: ["server/services/**"],
    rules: forbid([
      ["**/app/**", "**/server/app", "**/collab/server", "**/collab/room"],
      "Services do not reach up into the app or the collaboration server.",
    ]),
  },
  // db/ is below the services.
  {
    files: ["db/**"],
    rules: forbid([["**/server/services/**", "**/app/**"], "db/ is below the services: it imports none of them."]),
  },
);

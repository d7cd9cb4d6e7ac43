import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Rollup } from "vite";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * Rollup warnings known to be harmless, and only those; anything else still prints (and fails CI,
 * .ci/quiet-check.mjs).
 * - EMPTY_BUNDLE: resource routes (logout, file downloads, the .ics feed, the roster template)
 *   export no component, so their browser chunk is empty; Remix still lists every route.
 * - INVALID_ANNOTATION in node_modules: a library's comment next to a `@__PURE__` mark (zod 4);
 *   Rollup drops the comment and the code is unchanged. In our own code it still warns.
 */
export function harmless(warning: Rollup.RollupLog): boolean {
  if (warning.code === "EMPTY_BUNDLE") return true;
  if (warning.code === "INVALID_ANNOTATION" && /[\\/]node_modules[\\/]/.test(warning.id ?? "")) return true;
  return false;
}

export default defineConfig({
  plugins: [remix(remixConfig)],
  server: { hmr: { port: Number(process.env.HMR_PORT ?? 24678) } },
  build: {
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      onwarn(warning, warn) {
        if (!harmless(warning)) warn(warning);
      },
    },
  },
});

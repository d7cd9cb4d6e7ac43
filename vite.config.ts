import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [remix(remixConfig)],
  server: { hmr: { port: Number(process.env.HMR_PORT ?? 24678) } },
  build: { chunkSizeWarningLimit: 1200 },
});

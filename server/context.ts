import type { Session, User } from "lucia";
import type { Database, Sql } from "../db/client";
import type { Auth } from "./auth/lucia";
import type { Throttle } from "./auth/throttle";
import type { LiveAccess } from "./services/actor";
import type { log } from "./logger";

// What every Remix loader and action receives. Stateful parts (the connection, Lucia) are
// created once by the Node entry and passed in here, never imported by app/ code, so the
// Remix build and Vite's module graph cannot make a second copy of them.
export interface Services {
  sql: Sql;
  dbKind: Database["kind"];
  auth: Auth;
  live: LiveAccess;
  /** The process's logger (its level set once at start): routes log through this, not an import of their own. */
  log: typeof log;
  /** Sign-in and attendance-code throttling settings, and the password-check count. */
  throttle: Throttle;
  /** Limits the routes apply themselves (server/config.ts). */
  limits: { rosterInflateMaxBytes: number };
}

export interface TongxinContext {
  services: Services;
  user: User | null;
  session: Session | null;
  clientAddress: string;
  /** This response's Content-Security-Policy nonce (production only; the dev server runs Vite's inline scripts). */
  cspNonce?: string;
}

declare module "@remix-run/server-runtime" {
  // Module augmentation needs an interface; it adds exactly TongxinContext.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends TongxinContext {}
}

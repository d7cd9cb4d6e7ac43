import { Lucia, TimeSpan } from "lucia";
import type { Sql } from "../../db/client";
import { postgresAdapter } from "./adapter";

export function createLucia(sql: Sql, opts: { secure: boolean }) {
  return new Lucia(postgresAdapter(sql), {
    sessionExpiresIn: new TimeSpan(30, "d"),
    sessionCookie: {
      name: "tongxin_session",
      // HttpOnly is always set by Lucia; Lax keeps the cookie off cross-site POSTs.
      attributes: { secure: opts.secure, sameSite: "lax" },
    },
    getUserAttributes: (a) => ({ username: a.username, displayName: a.displayName }),
  });
}

export type Auth = ReturnType<typeof createLucia>;

declare module "lucia" {
  interface Register {
    Lucia: Auth;
    DatabaseUserAttributes: { username: string; displayName: string };
  }
}

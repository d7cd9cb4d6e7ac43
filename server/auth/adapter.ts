import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import type { Sql } from "../../db/client";

// Lucia's storage, over our own postgres.js connection so it works on PGlite and PostgreSQL alike.
interface SessionRow {
  id: string;
  user_id: string;
  expires_at: Date;
}
interface UserRow {
  id: string;
  username: string;
  display_name: string;
}

const toSession = (r: SessionRow): DatabaseSession => ({
  id: r.id,
  userId: r.user_id,
  expiresAt: r.expires_at,
  attributes: {},
});

export function postgresAdapter(sql: Sql): Adapter {
  return {
    async getSessionAndUser(sessionId) {
      const rows = await sql<(SessionRow & UserRow & { uid: string })[]>`
        select s.id, s.user_id, s.expires_at, u.id as uid, u.username, u.display_name
        from auth_sessions s join users u on u.id = s.user_id
        where s.id = ${sessionId}`;
      const r = rows[0];
      if (!r) return [null, null];
      const user: DatabaseUser = {
        id: r.uid,
        attributes: { username: r.username, displayName: r.display_name },
      };
      return [toSession(r), user];
    },
    async getUserSessions(userId) {
      const rows = await sql<SessionRow[]>`select * from auth_sessions where user_id = ${userId}`;
      return rows.map(toSession);
    },
    async setSession(s) {
      await sql`insert into auth_sessions (id, user_id, expires_at) values (${s.id}, ${s.userId}, ${s.expiresAt})`;
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await sql`update auth_sessions set expires_at = ${expiresAt} where id = ${sessionId}`;
    },
    async deleteSession(sessionId) {
      await sql`delete from auth_sessions where id = ${sessionId}`;
    },
    async deleteUserSessions(userId) {
      await sql`delete from auth_sessions where user_id = ${userId}`;
    },
    async deleteExpiredSessions() {
      await sql`delete from auth_sessions where expires_at <= now()`;
    },
  };
}

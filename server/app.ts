import { createServer, type Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LRUCache } from "lru-cache";
import express from "express";
import type { ServerBuild } from "@remix-run/node";
import { openDatabase, type Database, type Sql } from "../db/client";
import { isTransientDbError, retryTransient } from "../db/errors";
import { migrate } from "../db/migrate";
import { refreshDemo, seedDemo, type DemoAccount, type DemoMeeting } from "./demo/seed";
import { userColor } from "../shared/colors";
import { meetingLiveDoc, parseDocName } from "../shared/doc-names";
import { createLucia, type Auth } from "./auth/lucia";
import { createThrottle } from "./auth/throttle";
import { bodyLimit } from "./body-limit";
import { CollabServer, type CollabAuth } from "./collab/server";
import { DocStore } from "./collab/persistence";
import { collabLimits } from "./collab/limits";
import { CollabMetrics } from "./collab/metrics";
import type { RedisCluster } from "./collab/cluster";
import type { Config } from "./config";
import type { Services, TongxinContext } from "./context";
import type { LiveAccess } from "./services/actor";
import { log, setLogLevel } from "./logger";
import { sendErrorPage } from "./error-page";
import { securityHeaders } from "./security-headers";
import { inputGuard } from "./input-guard";
import { isSameOrigin, type TrustProxy } from "./origin";
import { remixHandler } from "./remix-handler";
import { markOnlinePresence } from "./services/session/attendance";
import { auditLiveRead, liveDocumentAccess, seedDocument } from "./services/session/documents";
import { auditLiveRead as auditCriticismRead, noteRefresher } from "./services/life/criticism-live";
import { storedStates } from "./collab/persistence";
import { bumpSession } from "../shared/live-session";
import { sendReminders } from "./services/calendar/reminders";
import { sendRectificationReminders } from "./services/life/rectification-reminders";
import { closeExpiredGrants } from "./services/life/above-access";

export interface Tongxin {
  server: Server;
  db: Database;
  services: Services;
  collab: CollabServer;
  /** The other nodes, through Redis (only with REDIS_URL). */
  cluster?: RedisCluster;
  /** Demo accounts created on this start (empty when the database already had users). */
  seeded: DemoAccount[];
  /** The demo meeting a newcomer can start now (null without a demo, or once a person changed it). */
  demo: DemoMeeting | null;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  /** "development" serves through Vite's middleware; otherwise the built app in build/. */
  mode: "development" | "production";
  root?: string;
}

export async function startTongxin({ config, mode, root = process.cwd() }: StartOptions): Promise<Tongxin> {
  setLogLevel(config.LOG_LEVEL);
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(root, config.DATA_DIR) });
  const { version } = await migrate(db.sql);
  const seeded = config.SEED_DEMO ? await seedDemo(db.sql, config.DEMO_PASSWORD) : [];
  // While nobody has changed the demo, its meetings are laid out again for today (decision 026).
  const demo = config.SEED_DEMO ? await refreshDemo(db.sql) : null;
  if (demo?.laidOut && seeded.length === 0) log.info("demo.laid_out", { meeting: demo.id, startsAt: demo.startsAt });
  const auth = createLucia(db.sql, { secure: config.cookieSecure });
  // The collaboration server is created below; permission changes reach it through this.
  const hub: { collab?: CollabServer } = {};
  const live: LiveAccess = {
    accessChanged: (userIds) =>
      void hub.collab?.revalidate(userIds).catch((e) => log.error("collab.revalidate_failed", { error: e })),
    treeChanged: () =>
      void hub.collab?.revalidateAll().catch((e) => log.error("collab.revalidate_failed", { error: e })),
    sessionsEnded: (userId, keep) => hub.collab?.closeSessions(userId, keep),
    sessionChanged: (meetingId, state) =>
      (hub.collab?.edit(meetingLiveDoc(meetingId), (doc) => bumpSession(doc, state)) ?? Promise.resolve()).catch((e) =>
        log.error("session.signal_failed", { meeting: meetingId, error: e }),
      ),
    presentUsers: async (meetingId) => (await hub.collab?.presentUsers(meetingLiveDoc(meetingId))) ?? [],
    readDocuments: async (docNames) => {
      const out = await storedStates(db.sql, docNames);
      for (const name of docNames) {
        const state = await hub.collab?.liveState(name);
        if (state) out.set(name, state);
      }
      return out;
    },
    editDocument: async (docName, change) => {
      if (!hub.collab) throw new Error("collaboration server not started");
      await hub.collab.edit(docName, change);
    },
  };
  const limits = { rosterInflateMaxBytes: config.ROSTER_INFLATE_MAX_BYTES };
  const services: Services = {
    sql: db.sql,
    dbKind: db.kind,
    auth,
    live,
    throttle: createThrottle(config),
    limits,
    log,
  };

  const metrics = new CollabMetrics();
  // Several nodes share live documents through Redis when REDIS_URL is set (docs/decisions/014).
  let cluster: RedisCluster | undefined;
  if (config.REDIS_URL) {
    const { RedisCluster } = await import("./collab/cluster");
    cluster = new RedisCluster({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, metrics });
    const connected = await cluster.connected();
    log.info("cluster.started", { node: cluster.nodeId, prefix: config.REDIS_PREFIX, connected });
  }

  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeaders({ nonce: mode === "production" }));
  app.set("trust proxy", config.TRUST_PROXY === "false" ? false : config.TRUST_PROXY);

  // Prometheus scrape: counts and latencies only, nothing about users or documents.
  app.get("/metrics", (_req, res, next) => {
    metrics
      .render()
      .then(({ contentType, body }) => res.type(contentType).send(body))
      .catch(next);
  });

  app.get("/healthz", async (_req, res) => {
    try {
      await db.sql`select 1`;
      res.json({ status: "ok", database: db.kind, migration: version });
    } catch (e) {
      log.error("healthz.failed", { error: e });
      res.status(503).json({ status: "unavailable", database: db.kind, migration: version });
    }
  });

  let vite: import("vite").ViteDevServer | undefined;
  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (mode === "development") {
    const { createServer: createVite } = await import("vite");
    vite = await createVite({ root, server: { middlewareMode: true } });
    app.use(vite.middlewares);
    build = () => vite!.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  } else {
    const client = path.join(root, "build/client");
    app.use("/assets", express.static(path.join(client, "assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(client, { maxAge: "1h" }));
    build = (await import(pathToFileURL(path.join(root, "build/server/index.js")).href)) as ServerBuild;
  }

  app.use(inputGuard);
  app.use(rejectCrossOriginWrites(app.get("trust proxy fn") as TrustProxy));
  app.use(sessionMiddleware(auth));
  app.use(bodyLimit({ formMaxBytes: config.FORM_MAX_BYTES })); // 413 before Remix reads a body past its limit
  app.all(
    "*",
    remixHandler({
      build,
      mode,
      getLoadContext: (req, res) =>
        ({
          services,
          user: res.locals.user ?? null,
          session: res.locals.session ?? null,
          clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
          cspNonce: res.locals.cspNonce,
        }) satisfies TongxinContext,
    }),
  );

  app.use(errorPage);

  const server = createServer(app);
  const collab = (hub.collab = new CollabServer(new DocStore(db.sql), collabAuth(services, live), {
    cluster,
    metrics,
    trustProxy: app.get("trust proxy fn") as TrustProxy,
    limits: collabLimits(config),
  }));
  collab.attach(server);
  const reminders = config.REMINDERS ? remindPeriodically(db.sql) : undefined;
  const grantSweep = sweepExpiredGrants(db.sql, live);

  let closed: Promise<void> | undefined;
  return {
    server,
    db,
    services,
    collab,
    cluster,
    seeded,
    demo,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.PORT, config.HOST, () => {
          const a = server.address();
          const port = typeof a === "object" && a ? a.port : config.PORT;
          resolve(config.PUBLIC_URL ?? `http://localhost:${port}`);
        });
      }),
    close: () =>
      (closed ??= (async () => {
        // Stop accepting, let live documents finish storing, then close the database.
        const stopped = new Promise<void>((r) => server.close(() => r()));
        await reminders?.stop();
        grantSweep.stop();
        server.closeIdleConnections();
        await collab.close();
        await cluster?.close();
        await vite?.close();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
        await stopped;
        await db.close();
      })()),
  };
}

function sessionMiddleware(auth: Auth): express.RequestHandler {
  return (req, res, next) => {
    const id = auth.readSessionCookie(req.headers.cookie ?? "");
    res.locals.user = null;
    res.locals.session = null;
    if (!id) return next();
    retryTransient(() => auth.validateSession(id))
      .then(({ session, user }) => {
        if (session?.fresh) res.append("Set-Cookie", auth.createSessionCookie(session.id).serialize());
        if (!session) res.append("Set-Cookie", auth.createBlankSessionCookie().serialize());
        res.locals.user = user;
        res.locals.session = session;
        next();
      })
      .catch(next);
  };
}

/**
 * Errors outside Remix (the session lookup, static files): a page in Chinese, 503 while the database
 * is unreachable or restarting, else 500; never a stack trace. Remix routes have their ErrorBoundary.
 */
const errorPage: express.ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const unavailable = isTransientDbError(err);
  log.error("http.failed", { method: req.method, path: req.path, error: err });
  const [status, title, text] = unavailable
    ? [503, "暂时无法访问", "数据库暂时连接不上，请稍等片刻再刷新页面。已保存的内容不会丢失。"]
    : [500, "出错了", "服务器处理请求时出了问题，请稍后再试。"];
  if (unavailable) res.set("Retry-After", "5");
  sendErrorPage(res, status, title, text, "reload");
};

// SameSite=Lax already keeps our cookie off cross-site POSTs; this refuses them outright.
const rejectCrossOriginWrites =
  (trust: TrustProxy): express.RequestHandler =>
  (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    if (isSameOrigin(req, trust)) return next();
    sendErrorPage(res, 403, "跨站请求被拒绝", "这个请求不是从本站的页面发出的。请回到同心的页面重新操作。");
  };

/**
 * Time-based reminders (services/calendar/reminders.ts): a few seconds after start, then every 10 minutes, one
 * run at a time. Every node may run them (they are idempotent); a failure is logged, never thrown.
 */
function remindPeriodically(sql: Sql) {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(async () => ({ ...(await sendReminders(sql)), rectification: await sendRectificationReminders(sql) }))
      .then(
        (sent) =>
          sent.meetings > 0 || sent.due > 0 || sent.rectification.due > 0 || sent.rectification.overdue > 0
            ? log.info("reminders.sent", { ...sent })
            : undefined,
        (e) => log.error("reminders.failed", { error: e }),
      );
  };
  const first = setTimeout(run, 3_000).unref();
  const every = setInterval(run, 10 * 60_000).unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}

/**
 * Every minute, the 党委's reading grants that ran out close what their holders still have open
 * (services/life/above-access.ts). Cheap (one query over a small table) and idempotent: every node runs it.
 */
function sweepExpiredGrants(sql: Sql, live: LiveAccess) {
  let since = new Date();
  const every = setInterval(() => {
    const now = new Date();
    closeExpiredGrants(sql, live, since, now).then(
      () => void (since = now),
      (e) => log.error("grants.sweep_failed", { error: e }),
    );
  }, 60_000).unref();
  return { stop: () => clearInterval(every) };
}

function collabAuth(services: Services, live: LiveAccess): CollabAuth {
  const refreshNote = noteRefresher(services.sql, live);
  // A phone on a weak network reconnects again and again: one audited read per person, document
  // and quarter of an hour on this node, not one per reconnection.
  const audited = new LRUCache<string, true>({ max: 20_000, ttl: 15 * 60_000 });
  return {
    changed: refreshNote,
    async authenticate(req) {
      const id = services.auth.readSessionCookie(req.headers.cookie ?? "");
      if (!id) return null;
      const { user, session } = await retryTransient(() => services.auth.validateSession(id));
      if (!user || !session) return null;
      return { user: { id: user.id, name: user.displayName, color: userColor(user.id) }, sessionId: session.id };
    },
    authorize: (userId, docName) => liveDocumentAccess(services.sql, userId, docName),
    seed: (docName) => seedDocument(services.sql, docName),
    async joined(userId, docName) {
      // Being on a session's live page is presence; it counts once the host has started the session.
      const doc = parseDocName(docName);
      if (doc?.kind === "meeting-live" && (await markOnlinePresence(services.sql, userId, doc.meetingId)))
        await live.sessionChanged(doc.meetingId);
      // Sensitive reads over the socket go to the audit log: a 组织生活会's minutes, its criticism
      // notes, 对照检查材料.
      const key = `${userId}\n${docName}`;
      if (audited.has(key)) return;
      await auditLiveRead(services.sql, userId, docName);
      await auditCriticismRead(services.sql, userId, docName);
      audited.set(key, true);
    },
  };
}

import { z } from "zod";

const MiB = 1024 * 1024;
/** A size in bytes, at least `min` (so a typo cannot cap normal use to nothing). */
const bytes = (fallback: number, min = 1024) => z.coerce.number().int().min(min).default(fallback);

// Environment is read once, at start, and a bad value stops the process with its name.
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** The address members use, printed at start; an https one makes the cookie Secure by default. */
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./data"),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (sign-in throttling):
   * Express's trust-proxy setting, e.g. "loopback", "10.0.0.0/8", or "false" for none.
   */
  TRUST_PROXY: z.string().default("loopback"),
  /** Several app processes share live documents through this Redis (pub/sub); unset, one process works alone. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of the Redis channels, so deployments sharing one Redis stay apart. */
  REDIS_PREFIX: z.string().min(1).default("tongxin:"),
  /** Seed the demo branch into an empty database (set to 0 in production). */
  SEED_DEMO: z
    .enum(["0", "1", "true", "false"])
    .default("1")
    .transform((v) => v === "1" || v === "true"),
  DEMO_PASSWORD: z.string().min(8).default("tongxin2026"),
  /** Mark the session cookie Secure; on by default when PUBLIC_URL is https. */
  COOKIE_SECURE: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
  /** Failed sign-ins an account gets before each further attempt waits (1 s, doubling). */
  LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** The longest wait between sign-in attempts on one account, in seconds. */
  LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Failed sign-ins allowed from one client address per LOGIN_ADDRESS_WINDOW_MINUTES. */
  LOGIN_ADDRESS_FAILURES: z.coerce.number().int().min(1).max(100_000).default(30),
  LOGIN_ADDRESS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** How long a browser that signed in to an account skips that account's delay (device cookie). */
  LOGIN_DEVICE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Wrong attendance codes a person may type for one meeting before each try waits (30 s, doubling). */
  CHECKIN_CODE_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** The longest wait between attendance code tries, in seconds. */
  CHECKIN_CODE_MAX_DELAY_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Time-based reminders (meetings coming up, meetings due) every 10 minutes; "off" disables them. */
  REMINDERS: z
    .enum(["on", "off", "0", "1", "true", "false"])
    .default("on")
    .transform((v) => v === "on" || v === "1" || v === "true"),
  // Limits: no one user stalls the server (docs/decisions/017-resource-limits.md).
  /** A live document's stored state may not grow past this; a write that would is refused. */
  DOC_MAX_BYTES: bytes(10 * MiB),
  /** One person's writes into live documents (across their connections on a node), on average… */
  WRITE_BYTES_PER_MINUTE: bytes(1 * MiB),
  /** …and at once: a phone's offline backlog or a long paste goes in whole; one write above it is refused. */
  WRITE_BURST_BYTES: bytes(2 * MiB),
  /** One presence state (name, colour, caret); a larger one closes its connection. */
  PRESENCE_MAX_BYTES: bytes(2 * 1024, 256),
  /** Body of an ordinary form post; uploads have their own limits (server/body-limit.ts). */
  FORM_MAX_BYTES: bytes(1 * MiB),
  /** What a roster .xlsx may inflate to, all its parts together. */
  ROSTER_INFLATE_MAX_BYTES: bytes(20 * MiB),
});

export type Config = z.infer<typeof EnvSchema> & { cookieSecure: boolean };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`环境变量有误 (invalid environment):\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  return { ...c, cookieSecure: c.COOKIE_SECURE ?? c.PUBLIC_URL?.startsWith("https:") ?? false };
}

import { startTongxin } from "../../server/app";
import { ensureBuild } from "../../server/build";
import { loadConfig } from "../../server/config";
import { createTestDatabase } from "../setup/database";

// The app for the browser tests: the production build on a fresh, seeded database
// (PGlite, or a new database on TEST_DATABASE_URL's server), removed again on exit.
ensureBuild(process.cwd(), (m) => console.log(m));
const db = await createTestDatabase();
const config = loadConfig({ ...process.env, ...db.env, HOST: "127.0.0.1", LOG_LEVEL: "warn" });
const app = await startTongxin({ config, mode: "production" });
console.log(`e2e server on ${await app.listen()}`);

const stop = async () => {
  await app.close();
  await db.drop();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

import { SQLite } from "@hocuspocus/extension-sqlite";
import { Server } from "@hocuspocus/server";

// The Hocuspocus peer of bench/collab/run.ts: @hocuspocus/server 4.x with its SQLite extension at
// the default settings (documents stored 2 s after the last change, at most 10 s; broadcasts
// merged per event-loop turn, flushDelay 0). No onAuthenticate: any token is accepted.
//   PORT=4000 SQLITE_FILE=/tmp/x.sqlite node --import tsx bench/collab/peers/hocuspocus.ts

const port = Number(process.env.PORT ?? 4000);
const database = process.env.SQLITE_FILE ?? ":memory:";
const server = new Server({
  port,
  address: "127.0.0.1",
  quiet: true,
  stopOnSignals: false,
  extensions: [new SQLite({ database })],
});
await server.listen();
console.log(`hocuspocus listening on 127.0.0.1:${port}, sqlite ${database}`);
const stop = () => void server.destroy().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

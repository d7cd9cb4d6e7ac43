import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import pLimit from "p-limit";

// Reads the first sheet of an uploaded .xlsx in a worker thread, never inflating more than a cap.
// An .xlsx is a ZIP, and a ZIP can declare a few kilobytes and inflate to gigabytes (a zip bomb):
// read-excel-file inflated such a 1.7 MB roster in the server process for 9 s and 1 GB before
// refusing it. Here every entry is inflated once under the remaining budget (zlib's
// maxOutputLength), what was read is packed again as stored entries, and read-excel-file reads only
// that: it cannot inflate anything that was not counted. The worker also has a heap limit and a
// time limit, like the .docx preview's (material-preview.ts), for whatever parsing costs.

const WORKER_HEAP_MB = 256;
const READ_TIMEOUT_MS = 15_000;
const MAX_PARALLEL = 2;

export type XlsxRead = { rows: unknown[][] } | { reason: "limit" | "corrupt" | "unsupported" };

// CommonJS, evaluated in the worker; the path to read-excel-file is resolved by the caller, so it
// works the same from the sources and from the server bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const zlib = require("node:zlib");

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = zlib.crc32 || ((b) => {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
});

// Every entry the central directory lists, inflated, at most budget bytes in all.
function unpack(b, budget) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let at = b.length - 22; at >= Math.max(0, b.length - 22 - 0xffff); at--)
    if (v.getUint32(at, true) === 0x06054b50) { eocd = at; break; }
  if (eocd < 0) return { reason: "corrupt" };
  const files = [];
  let left = budget;
  let at = v.getUint32(eocd + 16, true);
  for (let n = v.getUint16(eocd + 10, true); n > 0; n--) {
    if (at + 46 > b.length || v.getUint32(at, true) !== 0x02014b50) return { reason: "corrupt" };
    const method = v.getUint16(at + 10, true);
    const csize = v.getUint32(at + 20, true);
    const nameLen = v.getUint16(at + 28, true);
    const name = b.subarray(at + 46, at + 46 + nameLen);
    const local = v.getUint32(at + 42, true);
    at += 46 + nameLen + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
    if (local + 30 > b.length || v.getUint32(local, true) !== 0x04034b50) return { reason: "corrupt" };
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + csize > b.length) return { reason: "corrupt" };
    const packed = b.subarray(start, start + csize);
    let data;
    if (method === 0) data = packed;
    else if (method === 8) {
      try {
        data = zlib.inflateRawSync(packed, { maxOutputLength: Math.max(left, 1) });
      } catch (e) {
        return { reason: e && e.code === "ERR_BUFFER_TOO_LARGE" ? "limit" : "corrupt" };
      }
    } else return { reason: "corrupt" };
    left -= data.length;
    if (left < 0) return { reason: "limit" };
    files.push({ name, data });
  }
  return { files };
}

// The files as a ZIP of stored (uncompressed) entries.
function storedZip(files) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const f of files) {
    const crc = crc32(f.data);
    const local = Buffer.alloc(30 + f.name.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(f.name.length, 26);
    local.set(f.name, 30);
    const c = Buffer.alloc(46 + f.name.length);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(f.data.length, 20);
    c.writeUInt32LE(f.data.length, 24);
    c.writeUInt16LE(f.name.length, 28);
    c.writeUInt32LE(offset, 42);
    c.set(f.name, 46);
    parts.push(local, f.data);
    central.push(c);
    offset += local.length + f.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

const unpacked = unpack(Buffer.from(workerData.bytes), workerData.maxInflated);
if (unpacked.reason) parentPort.postMessage({ reason: unpacked.reason });
else
  require(workerData.reader)
    .readSheet(storedZip(unpacked.files), { parseNumber: (s) => s })
    .then((rows) => parentPort.postMessage({ rows }))
    .catch((e) => parentPort.postMessage({ reason: e && e.code === "XLS_FILE_NOT_SUPPORTED" ? "unsupported" : "corrupt" }));
`;

let readerPath: string | undefined;

/** The first sheet's rows (cells as read-excel-file gives them), or why it could not be read. */
export async function readXlsxInWorker(data: Uint8Array, maxInflatedBytes: number): Promise<XlsxRead> {
  return limited(() => run(data, maxInflatedBytes));
}

function run(data: Uint8Array, maxInflated: number): Promise<XlsxRead> {
  readerPath ??= createRequire(import.meta.url).resolve("read-excel-file/node");
  const bytes = new Uint8Array(data).buffer; // a copy the worker takes over
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: XlsxRead) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { reader: readerPath, bytes, maxInflated },
      transferList: [bytes],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    const timer = setTimeout(() => finish({ reason: "limit" }), READ_TIMEOUT_MS);
    worker.once("message", (m: XlsxRead) => finish(m));
    worker.once("error", (e: Error & { code?: string }) =>
      finish({ reason: e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "limit" : "corrupt" }),
    );
    worker.once("exit", () => finish({ reason: "limit" }));
  });
}

// At most a few roster files are read at once on this process; the rest wait their turn.
const limited = pLimit(MAX_PARALLEL);

import type { LoaderFunctionArgs } from "@remix-run/node";
import { materialFile } from "../../server/services/calendar/materials";
import { loadSubject } from "../../server/services/people/subjects";
import { notFound, requireUser } from "../lib/auth.server";

// A resource route: a meeting's study material, to whoever may read the meeting (404 for anyone
// else, as for a file that does not exist). Served inline with the type fixed at upload, never
// one the browser guesses.
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const file = await materialFile(sql, await loadSubject(sql, user.id), params.fileId ?? "");
  if (!file) notFound();
  const ascii = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  // A copy into a plain ArrayBuffer: what Response takes as a body on every runtime.
  const body = new Uint8Array(file.data).buffer;
  return new Response(body, {
    headers: {
      "Content-Type": file.mime,
      "Content-Length": String(file.data.byteLength),
      "Content-Disposition": `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "X-Content-Type-Options": "nosniff",
      // Member data: never kept by a shared cache.
      "Cache-Control": "private, no-cache",
    },
  });
}

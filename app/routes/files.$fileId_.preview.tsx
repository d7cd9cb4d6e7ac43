import type { LoaderFunctionArgs } from "@remix-run/node";
import { previewMaterial, PREVIEW_HEADERS } from "../../server/services/session/material-preview";
import { materialFile } from "../../server/services/calendar/materials";
import { loadSubject } from "../../server/services/people/subjects";
import { notFound, requireUser } from "../lib/auth.server";

// A resource route: a study material rendered as a page for the in-page viewer — a Word .docx as
// HTML, a text file as text — to whoever may read the meeting (404 for anyone else, as for a file
// that does not exist; the same check as /files/<id>). Other types answer 415, a corrupt Word file
// 422 and one too large to convert 413, each as a short page in Chinese. Every answer carries the
// sandboxing policy, so nothing in a document can run.
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { sql } = context.services;
  const fileId = (params.fileId ?? "").toLowerCase();
  const file = await materialFile(sql, await loadSubject(sql, user.id), fileId);
  if (!file) notFound();
  const { status, page } = await previewMaterial({ id: fileId, name: file.name, mime: file.mime, data: file.data });
  return new Response(page, { status, headers: PREVIEW_HEADERS });
}

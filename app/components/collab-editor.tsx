import { useEffect, useRef, useState } from "react";
import { useRevalidator } from "@remix-run/react";
import { EditorContent, useEditor } from "@tiptap/react";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { baseExtensions, EDITOR_FIELD } from "../../shared/editor/extensions";
import { parseWriteRefusal, retryDelayMs, type WriteRefusal } from "../../shared/write-limits";
import { EditorFrame } from "./editor-frame";
import { Toolbar } from "./editor-toolbar";
import { RefusalNotice } from "./write-refusal-notice";
import { SpeakerPicker, type SpeakerChoice } from "./speaker-picker";

type Status = "connecting" | "connected" | "disconnected";
interface Me {
  id: string;
  name: string;
  color: string;
}

// The minutes keep unsaved edits only in this page: a reload drops them.
const MINUTES_ADVICE = {
  rate: "在保存成功前请不要关闭此页面。",
  too_large: "这些修改只保存在本页面中：请先复制需要保留的文字，刷新页面后分几次粘贴（刷新会丢弃未保存的修改）。",
};

function collabUrl() {
  return `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/collab`;
}

/**
 * A TipTap editor bound to a live Yjs document. The content comes only from the server:
 * the client never seeds it, so a reload or a second tab cannot duplicate text.
 */
export default function CollabEditor({
  docName,
  user,
  readOnly,
  heading,
  speakers,
  label = "会议记录",
  testId = "minutes-editor",
}: {
  docName: string;
  user: Me;
  readOnly: boolean;
  heading?: React.ReactNode;
  /** When given, the toolbar offers 发言人 (the minutes). */
  speakers?: SpeakerChoice[];
  /** The editing area's accessible name and test id (the minutes by default). */
  label?: string;
  testId?: string;
}) {
  const [live, setLive] = useState<{ doc: Y.Doc; provider: WebsocketProvider } | null>(null);
  const [status, setStatus] = useState<Status>("connecting");
  const [synced, setSynced] = useState(false);
  const [revoked, setRevoked] = useState(false);
  const [refused, setRefused] = useState<{ refusal: WriteRefusal; retry: () => void } | null>(null);
  const revalidator = useRevalidator();
  const revalidate = revalidator.revalidate;
  // Write access taken away while the page is open (the record sealed, decision 038, or the host
  // took the co-editing back): the socket closes with 4509, the data reloads read-only, and this
  // says so. What was typed stays on this page; the server stores nothing more from it.
  const [lostWrite, setLostWrite] = useState(false);
  const wasWritable = useRef(!readOnly);
  useEffect(() => {
    if (readOnly && wasWritable.current) setLostWrite(true);
    wasWritable.current = !readOnly;
  }, [readOnly]);

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(collabUrl(), docName, doc);
    // A write the server would not store (too large, too fast: shared/write-limits.ts) stays in
    // this document; the next connection sends it again. Wait before that one, or it is refused
    // again at once; say so until a connection has stayed in sync for a moment.
    let retryTimer: number | undefined;
    let clearTimer: number | undefined;
    let attempts = 0;
    const retryNow = () => {
      window.clearTimeout(retryTimer);
      provider.connect();
    };
    const onStatus = (e: { status: Status }) => setStatus(e.status);
    const onSync = (s: boolean) => {
      setSynced(s);
      window.clearTimeout(clearTimer);
      if (s)
        clearTimer = window.setTimeout(() => {
          if (!provider.wsconnected) return;
          attempts = 0;
          setRefused(null);
        }, 2000);
    };
    // The server closes with these codes when the member's rights change (server/collab/server.ts):
    // reload the page's data so it shows the new rights (or the 404 / sign-in page).
    const onClose = (e: CloseEvent | null) => {
      const refusal = e ? parseWriteRefusal(e.code, e.reason) : null;
      if (refusal) {
        provider.shouldConnect = false;
        window.clearTimeout(clearTimer);
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(retryNow, retryDelayMs(refusal, attempts++));
        setRefused({ refusal, retry: retryNow });
      }
      if (e?.code === 4403) {
        provider.shouldConnect = false;
        setRevoked(true);
      }
      if (e?.code === 4403 || e?.code === 4509 || e?.code === 4401) revalidate();
    };
    provider.on("status", onStatus);
    provider.on("sync", onSync);
    provider.on("connection-close", onClose);
    setLive({ doc, provider });
    return () => {
      window.clearTimeout(retryTimer);
      window.clearTimeout(clearTimer);
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.off("connection-close", onClose);
      provider.destroy();
      doc.destroy();
    };
  }, [docName, revalidate]);

  if (revoked)
    return (
      <EditorFrame heading={heading} status="disconnected">
        <p className="alert alert--error" role="alert">
          你已没有权限查看或编辑这份记录。
        </p>
      </EditorFrame>
    );
  const shown = refused || status === "disconnected" ? "disconnected" : synced ? status : "connecting";
  return (
    <EditorFrame heading={heading} status={shown} statusText={refused ? "未能保存到服务器" : undefined}>
      {refused ? <RefusalNotice refusal={refused.refusal} onRetry={refused.retry} advice={MINUTES_ADVICE} /> : null}
      {lostWrite && readOnly ? (
        <p className="alert alert--error" role="status" data-testid="write-lost">
          你对这份会议记录的编辑权限已变为只读（记录已签字封存，或主持人收回了协同记录）。之后的修改不会保存到服务器。
        </p>
      ) : null}
      {live ? (
        <BoundEditor
          key={docName}
          doc={live.doc}
          provider={live.provider}
          user={user}
          readOnly={readOnly}
          speakers={speakers}
          label={label}
          testId={testId}
        />
      ) : null}
    </EditorFrame>
  );
}

function BoundEditor({
  doc,
  provider,
  user,
  readOnly,
  speakers,
  label,
  testId,
}: {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: Me;
  readOnly: boolean;
  speakers?: SpeakerChoice[];
  label: string;
  testId: string;
}) {
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable: !readOnly,
      extensions: [
        ...baseExtensions(),
        Collaboration.configure({ document: doc, field: EDITOR_FIELD }),
        CollaborationCaret.configure({ provider, user: { name: user.name, color: user.color } }),
      ],
      editorProps: {
        attributes: { class: "editor__content", "aria-label": label, "data-testid": testId },
      },
    },
    [doc, provider],
  );
  // Rights can change while the page is open (a role change downgrades the connection).
  useEffect(() => {
    editor?.setEditable(!readOnly);
  }, [editor, readOnly]);
  return (
    <div className="editor" data-readonly={readOnly ? "" : undefined}>
      {readOnly ? null : (
        <Toolbar editor={editor}>
          {speakers && editor ? <SpeakerPicker editor={editor} speakers={speakers} /> : null}
        </Toolbar>
      )}
      <EditorContent editor={editor} className="editor__body" />
    </div>
  );
}

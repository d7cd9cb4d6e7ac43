import { useEffect, useState } from "react";
import { useRevalidator } from "@remix-run/react";
import { EditorContent, useEditor } from "@tiptap/react";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { baseExtensions, EDITOR_FIELD } from "../../shared/editor/extensions";
import { EditorFrame } from "./editor-frame";
import { Toolbar } from "./editor-toolbar";
import { SpeakerPicker, type SpeakerChoice } from "./speaker-picker";

type Status = "connecting" | "connected" | "disconnected";
interface Me {
  id: string;
  name: string;
  color: string;
}

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
}: {
  docName: string;
  user: Me;
  readOnly: boolean;
  heading?: React.ReactNode;
  /** When given, the toolbar offers 发言人 (the minutes). */
  speakers?: SpeakerChoice[];
}) {
  const [live, setLive] = useState<{ doc: Y.Doc; provider: WebsocketProvider } | null>(null);
  const [status, setStatus] = useState<Status>("connecting");
  const [synced, setSynced] = useState(false);
  const [revoked, setRevoked] = useState(false);
  const revalidator = useRevalidator();
  const revalidate = revalidator.revalidate;

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(collabUrl(), docName, doc);
    const onStatus = (e: { status: Status }) => setStatus(e.status);
    const onSync = (s: boolean) => setSynced(s);
    // The server closes with these codes when the member's rights change (server/collab/server.ts):
    // reload the page's data so it shows the new rights (or the 404 / sign-in page).
    const onClose = (e: CloseEvent | null) => {
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
  const shown = status === "disconnected" ? "disconnected" : synced ? status : "connecting";
  return (
    <EditorFrame heading={heading} status={shown}>
      {live ? (
        <BoundEditor
          key={docName}
          doc={live.doc}
          provider={live.provider}
          user={user}
          readOnly={readOnly}
          speakers={speakers}
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
}: {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: Me;
  readOnly: boolean;
  speakers?: SpeakerChoice[];
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
        attributes: { class: "editor__content", "aria-label": "会议记录", "data-testid": "minutes-editor" },
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

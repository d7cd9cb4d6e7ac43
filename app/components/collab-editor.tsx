import { useEffect, useState } from "react";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { baseExtensions, EDITOR_FIELD } from "../../shared/editor/extensions";

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
export default function CollabEditor({ docName, user, readOnly }: { docName: string; user: Me; readOnly: boolean }) {
  const [live, setLive] = useState<{ doc: Y.Doc; provider: WebsocketProvider } | null>(null);
  const [status, setStatus] = useState<Status>("connecting");
  const [synced, setSynced] = useState(false);

  useEffect(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(collabUrl(), docName, doc);
    const onStatus = (e: { status: Status }) => setStatus(e.status);
    const onSync = (s: boolean) => setSynced(s);
    provider.on("status", onStatus);
    provider.on("sync", onSync);
    setLive({ doc, provider });
    return () => {
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.destroy();
      doc.destroy();
    };
  }, [docName]);

  return (
    <div className="editor-wrap">
      <div className="editor-status" data-status={synced ? status : "connecting"} aria-live="polite">
        <span className="editor-status__dot" />
        {status === "disconnected" ? "连接中断，正在重连…" : synced ? "已同步" : "正在连接…"}
      </div>
      {live ? <BoundEditor key={docName} doc={live.doc} provider={live.provider} user={user} readOnly={readOnly} /> : null}
    </div>
  );
}

function BoundEditor({
  doc,
  provider,
  user,
  readOnly,
}: {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: Me;
  readOnly: boolean;
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
  return (
    <div className="editor">
      {readOnly ? null : <Toolbar editor={editor} />}
      <EditorContent editor={editor} />
    </div>
  );
}

function Toolbar({ editor }: { editor: Editor | null }) {
  const [, force] = useState(0);
  useEffect(() => {
    if (!editor) return;
    const update = () => force((n) => n + 1);
    editor.on("transaction", update);
    return () => {
      editor.off("transaction", update);
    };
  }, [editor]);
  if (!editor) return <div className="toolbar" />;
  const chain = () => editor.chain().focus();
  const buttons: { label: string; title: string; active: boolean; run: () => void }[] = [
    { label: "标题", title: "小标题", active: editor.isActive("heading", { level: 2 }), run: () => chain().toggleHeading({ level: 2 }).run() },
    { label: "B", title: "加粗", active: editor.isActive("bold"), run: () => chain().toggleBold().run() },
    { label: "I", title: "斜体", active: editor.isActive("italic"), run: () => chain().toggleItalic().run() },
    { label: "• 列表", title: "项目列表", active: editor.isActive("bulletList"), run: () => chain().toggleBulletList().run() },
    { label: "1. 列表", title: "编号列表", active: editor.isActive("orderedList"), run: () => chain().toggleOrderedList().run() },
    { label: "引用", title: "引用", active: editor.isActive("blockquote"), run: () => chain().toggleBlockquote().run() },
  ];
  return (
    <div className="toolbar" role="toolbar" aria-label="格式">
      {buttons.map((b) => (
        <button
          key={b.title}
          type="button"
          className="toolbar__btn"
          title={b.title}
          aria-pressed={b.active}
          onMouseDown={(e) => e.preventDefault()}
          onClick={b.run}
        >
          {b.label}
        </button>
      ))}
    </div>
  );
}

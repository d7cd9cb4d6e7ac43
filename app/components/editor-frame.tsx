// The frame around the live editor: heading, connection status and the editor (or a loading
// block). Kept out of the lazily loaded editor module so the page can show it before that loads.
export type EditorStatus = "loading" | "connecting" | "connected" | "disconnected";

const STATUS_TEXT: Record<EditorStatus, string> = {
  loading: "正在载入…",
  connecting: "正在连接…",
  connected: "已同步",
  disconnected: "连接中断，正在重连…",
};

export function EditorFrame({
  heading,
  status,
  statusText,
  children,
}: {
  heading?: React.ReactNode;
  status: EditorStatus;
  /** Instead of the status's usual words (e.g. when the server refused to store an edit). */
  statusText?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className="editor-wrap">
      <div className="sheet__head">
        {heading}
        <span
          className="editor-status"
          data-status={status === "loading" ? "connecting" : status}
          role="status"
          aria-live="polite"
        >
          <span className="editor-status__dot" />
          {statusText ?? STATUS_TEXT[status]}
        </span>
      </div>
      {children ?? (
        <div className="editor editor--loading" aria-busy="true">
          正在载入记录…
        </div>
      )}
    </div>
  );
}

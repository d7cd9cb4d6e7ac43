import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { MeetingDetail } from "../../server/services/calendar/meeting-detail";
import materialsCss from "../styles/materials.css?url";
import {
  ChevronRightIcon,
  CloseIcon,
  DownloadIcon,
  ExpandIcon,
  ExternalIcon,
  FileIcon,
  ImageIcon,
  LinkIcon,
} from "./icons";
import { fileKind, fileSize } from "./meeting-parts";

// Study materials read inside the page, on a phone or on the projector: tapping one opens a sheet
// (a modal <dialog>: full screen on phones, nearly so on wider screens) with the material in it —
// an image as an image, a PDF in the browser's own viewer, a Word or text file as the sandboxed
// page /files/<id>/preview renders — and 「新窗口打开」 and 「下载」. Old Word and PowerPoint files
// cannot be shown and say so. Web links open in a new tab (most sites refuse to be framed).
// Without JavaScript every item is a plain link to the same place the sheet would show.

export const materialsStyles = [{ rel: "stylesheet", href: materialsCss }];

type Material = MeetingDetail["materials"][number];
type Kind = "link" | "pdf" | "image" | "word" | "text" | "other";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

function kindOf(m: Material): Kind {
  if (m.url) return "link";
  const mime = m.mime ?? "";
  if (mime === "application/pdf") return "pdf";
  if (/^image\/(png|jpeg|webp|gif)$/.test(mime)) return "image";
  if (mime === DOCX) return "word";
  if (/^text\/plain\b/.test(mime)) return "text";
  return "other";
}

/** Where the file itself is served (inline, to whoever may read the meeting). */
const fileHref = (m: Material) => `/files/${m.fileId}`;
/** What the sheet shows, and what 「新窗口打开」 and the link without JavaScript open. */
function viewHref(m: Material, kind: Kind): string {
  if (m.url) return m.url;
  return kind === "word" || kind === "text" ? `${fileHref(m)}/preview` : fileHref(m);
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const ICON_CLASS: Record<Kind, string> = {
  link: "mview-item__icon--link",
  pdf: "mview-item__icon--pdf",
  image: "mview-item__icon--image",
  word: "mview-item__icon--word",
  text: "mview-item__icon--text",
  other: "mview-item__icon--other",
};

function subline(m: Material, kind: Kind): string {
  if (kind === "link") return host(m.url!);
  const facts = [fileKind(m.mime), fileSize(m.size)].filter(Boolean).join(" · ");
  return kind === "other" ? `${facts} · 需下载查看` : facts;
}

function KindIcon({ kind }: { kind: Kind }) {
  return (
    <span className={`mview-item__icon ${ICON_CLASS[kind]}`}>
      {kind === "link" ? <LinkIcon size={18} /> : kind === "image" ? <ImageIcon /> : <FileIcon size={18} />}
    </span>
  );
}

/** One material in the list: its icon, title and what it is. */
function ItemBody({ m, kind, action }: { m: Material; kind: Kind; action: string }) {
  return (
    <>
      <KindIcon kind={kind} />
      <span className="mview-item__main">
        <span className="mview-item__title">{m.title}</span>
        <span className="mview-item__sub">{subline(m, kind)}</span>
      </span>
      <span className="mview-item__go">
        <span className="mview-item__action">{action}</span>
        {kind === "link" ? <ExternalIcon size={16} /> : <ChevronRightIcon />}
      </span>
    </>
  );
}

/** The meeting's study materials, each opening in the page. */
export function MaterialsPanel({ materials, heading = "学习资料" }: { materials: Material[]; heading?: string }) {
  const headingId = useId();
  const viewerId = useId();
  // Until hydrated the items are links (so they work without JavaScript); then buttons that open
  // the sheet.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const [openId, setOpenId] = useState<string | null>(null);
  const trigger = useRef<HTMLElement | null>(null);
  const current = materials.find((m) => m.id === openId) ?? null;

  const close = useCallback(() => {
    setOpenId(null);
    // Back to the item that opened it, for keyboard and screen-reader users.
    requestAnimationFrame(() => trigger.current?.focus());
  }, []);

  if (materials.length === 0) return null;
  return (
    <section className="card mview-panel" aria-labelledby={headingId} data-testid="materials-panel">
      <div className="mview-panel__head">
        <h2 className="h3" id={headingId}>
          {heading}
        </h2>
        <span className="mview-panel__count">{materials.length} 份</span>
      </div>
      <ul className="mview-list">
        {materials.map((m) => {
          const kind = kindOf(m);
          if (kind === "link" || !ready)
            return (
              <li key={m.id}>
                <a
                  className="mview-item"
                  href={viewHref(m, kind)}
                  target="_blank"
                  rel={kind === "link" ? "noopener noreferrer" : "noopener"}
                  data-testid="material-item"
                >
                  <ItemBody m={m} kind={kind} action={kind === "link" ? "打开链接" : "查看"} />
                  {kind === "link" ? <span className="sr-only">（在新窗口打开）</span> : null}
                </a>
              </li>
            );
          return (
            <li key={m.id}>
              <button
                type="button"
                className="mview-item"
                aria-haspopup="dialog"
                aria-expanded={openId === m.id}
                aria-controls={viewerId}
                data-testid="material-item"
                onClick={(e) => {
                  trigger.current = e.currentTarget;
                  setOpenId(m.id);
                }}
              >
                <ItemBody m={m} kind={kind} action={kind === "other" ? "下载" : "查看"} />
              </button>
            </li>
          );
        })}
      </ul>
      {ready ? <Viewer id={viewerId} material={current} onClose={close} /> : null}
    </section>
  );
}

/** The sheet: a modal dialog, so Esc closes it, focus stays inside and the page behind is inert. */
function Viewer({ id, material, onClose }: { id: string; material: Material | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const [canFullscreen, setCanFullscreen] = useState(false);
  useEffect(() => setCanFullscreen(Boolean(document.fullscreenEnabled)), []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (material && !d.open) {
      d.showModal();
      closeButton.current?.focus();
    } else if (!material && d.open) {
      if (document.fullscreenElement === d) void document.exitFullscreen().catch(() => {});
      d.close();
    }
  }, [material]);

  const kind = material ? kindOf(material) : "other";
  return (
    <dialog
      ref={dialog}
      id={id}
      className={`mview mview--${kind}`}
      aria-labelledby={titleId}
      data-testid="material-viewer"
      // Esc (the dialog's cancel) and any other close go through React's state.
      onClose={() => material && onClose()}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog itself; inside, on its contents.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      {material ? (
        <div className="mview__inner">
          <div className="mview__bar">
            <div className="mview__heading">
              <KindIcon kind={kind} />
              <div className="mview__titles">
                <h2 className="mview__title" id={titleId}>
                  {material.title}
                </h2>
                <span className="mview__sub">{subline(material, kind)}</span>
              </div>
            </div>
            <div className="mview__actions">
              {kind !== "other" ? (
                <a
                  className="btn btn--ghost btn--small"
                  href={viewHref(material, kind)}
                  target="_blank"
                  rel="noopener"
                  data-testid="material-open-new"
                >
                  <ExternalIcon />
                  新窗口打开
                </a>
              ) : null}
              <a
                className="btn btn--ghost btn--small"
                href={fileHref(material)}
                download={material.title}
                data-testid="material-download"
              >
                <DownloadIcon />
                下载
              </a>
              {canFullscreen && kind !== "other" ? (
                <button
                  type="button"
                  className="btn btn--ghost btn--small mview__fullscreen"
                  onClick={() => {
                    const d = dialog.current;
                    if (!d) return;
                    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
                    else void d.requestFullscreen().catch(() => {});
                  }}
                >
                  <ExpandIcon />
                  全屏
                </button>
              ) : null}
            </div>
            <button
              ref={closeButton}
              type="button"
              className="mview__close"
              onClick={onClose}
              aria-label="关闭"
              data-testid="material-close"
            >
              <CloseIcon />
            </button>
          </div>
          <div className="mview__body">
            <Content key={material.id} material={material} kind={kind} />
          </div>
        </div>
      ) : null}
    </dialog>
  );
}

function Loading({ text }: { text: string }) {
  return (
    <div className="mview__loading" role="status">
      <span className="mview__spinner" aria-hidden="true" />
      {text}
    </div>
  );
}

function Note({ material, title, text }: { material: Material; title: string; text?: string }) {
  return (
    <div className="mview__note" role="note">
      <span className="mview__note-icon">
        <FileIcon size={28} />
      </span>
      <p className="mview__note-title">{title}</p>
      {text ? <p className="mview__note-text">{text}</p> : null}
      <a className="btn btn--primary" href={fileHref(material)} download={material.title}>
        <DownloadIcon />
        下载查看
      </a>
    </div>
  );
}

function Content({ material, kind }: { material: Material; kind: Kind }) {
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  // Whether this browser shows PDFs itself (false on Android's Chrome, for one).
  const [pdfInline, setPdfInline] = useState(true);
  useEffect(() => {
    if (kind === "pdf" && navigator.pdfViewerEnabled === false) setPdfInline(false);
  }, [kind]);

  switch (kind) {
    case "image":
      return failed ? (
        <Note material={material} title="图片无法显示" text="文件可能已损坏，可以下载后查看。" />
      ) : (
        <div className="mview__image">
          {loaded ? null : <Loading text="正在加载图片…" />}
          <img
            src={fileHref(material)}
            alt={material.title}
            onLoad={() => setLoaded(true)}
            onError={() => setFailed(true)}
            data-testid="material-image"
          />
        </div>
      );
    case "pdf":
      if (!pdfInline)
        return (
          <Note
            material={material}
            title="此浏览器不能在页面内显示 PDF"
            text="请点上方「新窗口打开」，或下载后查看。"
          />
        );
      return (
        <>
          {loaded ? null : <Loading text="正在打开 PDF…" />}
          <iframe
            className="mview__frame"
            src={`${fileHref(material)}#view=FitH`}
            title={material.title}
            onLoad={() => setLoaded(true)}
            data-testid="material-frame"
          />
        </>
      );
    case "word":
    case "text":
      return (
        <>
          {loaded ? null : <Loading text="正在生成预览…" />}
          <iframe
            className="mview__frame"
            src={viewHref(material, kind)}
            title={material.title}
            // The page's own policy sandboxes it too; this keeps it so even if that header were lost.
            sandbox="allow-popups allow-popups-to-escape-sandbox"
            referrerPolicy="no-referrer"
            onLoad={() => setLoaded(true)}
            data-testid="material-frame"
          />
        </>
      );
    default:
      return <Note material={material} title="此格式无法在页面内预览，请下载查看" />;
  }
}

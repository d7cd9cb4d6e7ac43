import { useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { createPortal } from "react-dom";

// Asking before something that cannot be undone (结束会议, 结束表决, 提交心得体会, 取消会议, 结束考勤),
// in the app's own dialog rather than the browser's confirm(): it reads like the rest of the app,
// works the same on phones, and says what will happen in words the member knows.
//
// ConfirmButton is an ordinary submit button. Without JavaScript (or before the page is hydrated)
// it submits its form at once, so the action still works; with it, the click opens the dialog and
// only 确定 submits, through the form's own submit event with this button as the submitter (so
// Remix's <Form> and fetcher forms and any onSubmit handler run as for a click).
//
// The dialog is a native <dialog> opened with showModal(): the rest of the page is inert, so
// neither a pointer nor a screen reader can reach it; Tab and Shift+Tab are kept on the dialog's
// buttons; Escape and a tap beside the dialog cancel; focus goes back to the button afterwards.

type Tone = "danger" | "primary";

export interface ConfirmText {
  /** The question, as the dialog's name: "结束会议？" */
  title: string;
  /** What will happen, in a sentence or two. */
  message: ReactNode;
  /** The button that goes ahead (say what it does: "结束会议", not "确定"). */
  confirmLabel: string;
  /** The button that does nothing (default 返回). */
  cancelLabel?: string;
  tone?: Tone;
}

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  cancelLabel = "返回",
  tone = "danger",
  onConfirm,
  onCancel,
}: ConfirmText & { onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const messageId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  // Tab wraps around the dialog's own controls (showModal leaves the browser's chrome reachable).
  const onKeyDown = (e: React.KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== "Tab") return;
    const items = Array.from(
      ref.current?.querySelectorAll<HTMLElement>("button:not([disabled]), [href], [tabindex]:not([tabindex='-1'])") ??
        [],
    );
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const at = document.activeElement;
    if (e.shiftKey && (at === first || !ref.current?.contains(at))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (at === last || !ref.current?.contains(at))) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <dialog
      ref={ref}
      className="confirm"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      onKeyDown={onKeyDown}
      // Escape: the browser fires "cancel"; the dialog closes when its owner unmounts it.
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      // Chrome lets a repeated Escape close it anyway: follow what the browser did.
      onClose={onCancel}
      // A tap on the backdrop lands on the <dialog> itself, never on its content box.
      onClick={(e) => {
        if (e.target === e.currentTarget) onCancel();
      }}
    >
      <div className="confirm__box">
        <h2 className="confirm__title" id={titleId}>
          {title}
        </h2>
        <div className="confirm__message" id={messageId}>
          {message}
        </div>
        <div className="confirm__actions">
          {/* The safe choice has the focus first: Enter on a stray keypress does nothing harmful. */}
          <button type="button" className="btn btn--ghost confirm__btn" onClick={onCancel} autoFocus>
            {cancelLabel}
          </button>
          <button
            type="button"
            className={`btn ${tone === "danger" ? "btn--solid-danger" : "btn--primary"} confirm__btn`}
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </dialog>,
    document.body,
  );
}

/**
 * A submit button that asks first. `ask` decides per click whether to ask at all (e.g. only once
 * the required reason is filled in, so a missing field is reported before anything is asked).
 */
export function ConfirmButton({
  confirm,
  ask,
  onClick,
  children,
  ...button
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  confirm: ConfirmText;
  ask?: (form: HTMLFormElement) => boolean;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    // After the dialog has gone, so the focus is not taken back by it.
    requestAnimationFrame(() => ref.current?.focus());
  };
  return (
    <>
      <button
        type="submit"
        {...button}
        ref={ref}
        aria-haspopup="dialog"
        onClick={(e) => {
          onClick?.(e);
          const form = e.currentTarget.form;
          if (e.defaultPrevented || !form || (ask && !ask(form))) return;
          e.preventDefault();
          setOpen(true);
        }}
      >
        {children}
      </button>
      {open ? (
        <ConfirmDialog
          {...confirm}
          onCancel={close}
          onConfirm={() => {
            const submitter = ref.current;
            setOpen(false);
            submitter?.form?.requestSubmit(submitter);
          }}
        />
      ) : null}
    </>
  );
}

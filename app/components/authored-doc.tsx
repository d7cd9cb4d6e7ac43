import { Form } from "@remix-run/react";
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import { ConfirmButton } from "./confirm-dialog";
import { FormAlert } from "./people";
import type { ReflectionEditorApi, ReflectionSyncState } from "./reflection-editor";
import { SubmittedText } from "./reflection-parts";

// A document its author writes alone and submits for review: the 心得体会 and the 对照检查材料
// (docs/decisions/034). Written live (autosaved through Yjs, kept on the phone while offline),
// submitted with the editor's full state in the form, so what the author sees is what is stored;
// after a return, revised and submitted again. The two pages differ only in words and side panels.

const ReflectionEditor = lazy(() => import("./reflection-editor"));

/** navigator.onLine, following the browser's events (true during the server render). */
export function useOnline() {
  const [online, setOnline] = useState(true);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    update();
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

/** What the editor reports and the submit card needs: the word count, the sync state, its state to post. */
export function useAuthoring() {
  const [words, setWords] = useState<number | null>(null);
  const [sync, setSync] = useState<ReflectionSyncState>("loading");
  const api = useRef<ReflectionEditorApi | null>(null);
  const online = useOnline();
  return { words, setWords, sync, setSync, api, online };
}
export type Authoring = ReturnType<typeof useAuthoring>;

/** The text's sheet: the live editor while the author may write, else what was submitted, read-only. */
export function AuthoredSheet({
  authoring,
  canEdit,
  docName,
  submittedText,
  wordCount,
  title,
  label,
  className = "sheet",
}: {
  authoring: Authoring;
  canEdit: boolean;
  docName: string;
  submittedText: string | null;
  wordCount: number | null;
  title: string;
  /** The editor's accessible name, where the heading alone would not say which document. */
  label?: string;
  className?: string;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const heading = (
    <div className="sheet__title">
      <h2 className="h3" id="text-heading">
        {title}
      </h2>
      {canEdit ? null : <span className="tag tag--muted">只读</span>}
    </div>
  );
  if (canEdit)
    return (
      <section className={className} aria-labelledby="text-heading">
        {mounted ? (
          <Suspense fallback={<EditorLoading heading={heading} />}>
            <ReflectionEditor
              docName={docName}
              readOnly={false}
              heading={heading}
              label={label}
              onWords={authoring.setWords}
              onState={authoring.setSync}
              onReady={(a) => (authoring.api.current = a)}
            />
          </Suspense>
        ) : (
          <EditorLoading heading={heading} />
        )}
      </section>
    );
  if (submittedText === null) return null;
  return (
    <section className="sheet" aria-labelledby="text-heading">
      <div className="sheet__head">
        {heading}
        <span className="muted small">{wordCount} 字</span>
      </div>
      <SubmittedText text={submittedText} />
    </section>
  );
}

/**
 * The card that submits (or, after a return, submits again): the words still needed, why it
 * cannot be submitted now (offline, blocked, the author's access gone), and a confirmation.
 */
export function SubmitCard({
  authoring,
  intent,
  noun,
  returned,
  minWords,
  busy,
  blocked,
  error,
  title,
  hint,
  confirmNote,
}: {
  authoring: Authoring;
  /** The form's intent, named by the page whose action reads it. */
  intent: string;
  /** 心得体会 or 对照检查材料: the button and the dialog say it. */
  noun: string;
  returned: boolean;
  minWords: number;
  busy: boolean;
  /** Why the server will not take it now (a deadline, a cancelled meeting); shown and disables the button. */
  blocked: string | null;
  error: string | null | undefined;
  title: string;
  hint: string;
  /** A second paragraph for the confirmation (what happens on submission). */
  confirmNote?: string;
}) {
  const { words, sync, api, online } = authoring;
  const short = words !== null && words < minWords;
  return (
    <section className="card section refl-submit" aria-labelledby="submit-heading">
      <div className="refl-submit__head">
        <h2 className="h3" id="submit-heading">
          {returned ? "修改后重新提交" : title}
        </h2>
        <span className="refl-count" data-short={short ? "" : undefined} data-testid="word-requirement">
          {words === null ? `至少 ${minWords} 字` : short ? `还差 ${minWords - words} 字` : `✓ 已满 ${minWords} 字`}
        </span>
      </div>
      <p className="muted small">{hint}</p>
      {blocked ? <FormAlert error={blocked} /> : null}
      {error ? <FormAlert error={error} /> : null}
      {!online ? (
        <p className="alert" role="status">
          当前处于离线状态：内容已保存在本机，联网后自动同步，届时再提交。
        </p>
      ) : null}
      <Form
        method="post"
        onSubmit={(e) => {
          const field = e.currentTarget.elements.namedItem("update") as HTMLInputElement | null;
          if (field) field.value = api.current?.encodeState() ?? "";
        }}
      >
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name="update" defaultValue="" />
        <ConfirmButton
          className="btn btn--primary btn--block"
          disabled={busy || Boolean(blocked) || !online || sync === "revoked"}
          confirm={{
            title: returned ? `重新提交${noun}？` : `提交${noun}？`,
            message: (
              <>
                <p>
                  {words !== null ? `共 ${words} 字。` : ""}
                  提交后不能再修改，除非审阅人退回。
                </p>
                {confirmNote ? <p>{confirmNote}</p> : null}
              </>
            ),
            confirmLabel: returned ? "重新提交" : "提交",
            cancelLabel: "再改改",
            tone: "primary",
          }}
        >
          {busy ? "正在提交…" : returned ? "重新提交" : `提交${noun}`}
        </ConfirmButton>
      </Form>
    </section>
  );
}

function EditorLoading({ heading }: { heading: ReactNode }) {
  return (
    <div className="editor-wrap">
      <div className="sheet__head">
        {heading}
        <span className="editor-status" data-status="connecting" role="status">
          <span className="editor-status__dot" />
          正在载入…
        </span>
      </div>
      <div className="editor editor--loading refl-loading" aria-busy="true">
        正在载入…
      </div>
    </div>
  );
}

import { lazy, Suspense, useEffect, useState } from "react";
import { Link, useFetcher } from "@remix-run/react";
import type { CriticismRoundView } from "../../server/services/life/criticism-round";
import { EditorFrame } from "./editor-frame";
import { CriticismNoteView, useComposedNote } from "./criticism-note-view";
import criticismCss from "../styles/criticism.css?url";

export const criticismStyles = [{ rel: "stylesheet", href: criticismCss }];

const CollabEditor = lazy(() => import("./collab-editor"));

interface Me {
  id: string;
  name: string;
  color: string;
}

/**
 * 批评与自我批评 on a 组织生活会's session page (docs/decisions/035): the round's order with whose
 * turn it is (the host moves it like the agenda), that person's note kept current live, the
 * viewer's own criticism of them (their own live document) and, for the person, their answer.
 */
export function CriticismRound({
  meetingId,
  round,
  me,
  liveTurnId,
}: {
  meetingId: string;
  round: CriticismRoundView;
  me: Me;
  /** Whose turn the live channel says it is (before the page's data reloads). */
  liveTurnId: string | null | undefined;
}) {
  const fetcher = useFetcher<{ ok?: string; formError?: string; fieldErrors?: Record<string, string> }>();
  const busy = fetcher.state !== "idle";
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  // Fetch the editor's code while the round runs, so when the turn moves (over the live channel,
  // then the page's data) the writing box appears at once, even on a slow phone connection.
  useEffect(() => {
    if (round.inProgress && !round.ended) void import("./collab-editor");
  }, [round.inProgress, round.ended]);
  const turnId = liveTurnId !== undefined ? liveTurnId : round.currentId;
  const current = round.current && round.current.personId === turnId ? round.current : null;
  const note = useComposedNote(current?.noteDoc ?? null);
  const runs = round.canRun && round.inProgress;
  const move = (ids: string[], from: number, by: number) => {
    const next = [...ids];
    const [x] = next.splice(from, 1);
    next.splice(from + by, 0, x);
    fetcher.submit(
      { intent: "order", order: next.join(",") },
      { method: "post", action: `/meetings/${meetingId}/criticism` },
    );
  };
  const ids = round.turns.map((t) => t.id);
  const error = fetcher.data?.formError ?? Object.values(fetcher.data?.fieldErrors ?? {})[0];

  return (
    <section className="card crit" aria-labelledby="crit-heading" data-testid="criticism-round">
      <div className="crit__head">
        <h2 className="h3" id="crit-heading">
          批评与自我批评
        </h2>
        {turnId ? (
          <span className="tag tag--teal" data-testid="criticism-turn">
            轮到：{round.turns.find((t) => t.id === turnId)?.name ?? ""}
          </span>
        ) : (
          <span className="tag tag--outline">
            {round.ended ? "已结束" : round.inProgress ? "未开始" : "会议开始后进行"}
          </span>
        )}
      </div>
      <p className="muted crit__hint">
        书记先作自我批评，再由委员、党员依次进行；每人发言后，与会同志提出批评意见，本人表态。
      </p>

      <ol className="crit__order" aria-label="发言顺序">
        {round.turns.map((t, i) => (
          <li
            key={t.id}
            className="crit__person"
            data-current={t.id === turnId ? "" : undefined}
            data-done={t.done ? "" : undefined}
          >
            <span className="crit__index">{i + 1}</span>
            <span className="crit__name">{t.name}</span>
            {t.post ? <span className="crit__post">{t.post}</span> : null}
            {t.absent ? (
              <span className="tag tag--muted">缺席</span>
            ) : t.done ? (
              <span className="tag tag--muted">已完成</span>
            ) : null}
            {round.canRun && !round.ended ? (
              <span className="crit__moves">
                <button
                  type="button"
                  className="btn btn--small btn--ghost"
                  disabled={busy || i === 0}
                  onClick={() => move(ids, i, -1)}
                  aria-label={`${t.name}上移`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="btn btn--small btn--ghost"
                  disabled={busy || i === ids.length - 1}
                  onClick={() => move(ids, i, 1)}
                  aria-label={`${t.name}下移`}
                >
                  ↓
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>

      {runs ? (
        <fetcher.Form method="post" action={`/meetings/${meetingId}/criticism`} className="crit__controls">
          <input type="hidden" name="intent" value="turn" />
          <button className="btn btn--small" name="step" value="previous" disabled={busy || !turnId}>
            上一位
          </button>
          <button
            className="btn btn--primary btn--small"
            name="step"
            value="next"
            disabled={busy}
            data-testid="criticism-next"
          >
            {turnId ? "下一位" : "开始批评与自我批评"}
          </button>
          {turnId ? (
            <button className="btn btn--small btn--ghost" name="step" value="to" disabled={busy}>
              暂停
            </button>
          ) : null}
        </fetcher.Form>
      ) : null}
      {error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}

      {current ? (
        <div className="crit__current">
          <h3 className="crit__who">
            {current.name}同志
            {current.noteDoc ? (
              <Link to={`/meetings/${meetingId}/criticism/${current.personId}`} className="crit__link">
                查看记录
              </Link>
            ) : null}
          </h3>
          {current.noteDoc ? (
            <CriticismNoteView
              note={note}
              authors={current.authors}
              seesFlags={current.seesFlags}
              rectification={current.rectification}
              away
            />
          ) : (
            <p className="muted">批评与自我批评记录仅本人、支委和与会同志可见。</p>
          )}
          {current.myCriticismDoc && mounted ? (
            <div className="crit__mine">
              <Suspense fallback={<EditorFrame status="loading" />}>
                <CollabEditor
                  docName={current.myCriticismDoc}
                  user={me}
                  readOnly={false}
                  label={`我对${current.name}同志的批评意见`}
                  testId="criticism-editor"
                  heading={<h3 className="h4">我的批评意见</h3>}
                />
              </Suspense>
              <p className="muted crit__hint">直接输入即可，实时保存。请指出具体问题，不写空泛的表扬。</p>
            </div>
          ) : null}
          {current.answerDoc && mounted ? (
            <div className="crit__mine" data-kind="answer">
              <Suspense fallback={<EditorFrame status="loading" />}>
                <CollabEditor
                  docName={current.answerDoc}
                  user={me}
                  readOnly={false}
                  label="我的表态"
                  testId="answer-editor"
                  heading={<h3 className="h4">我的表态</h3>}
                />
              </Suspense>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

import { useEffect, useState } from "react";
import { Link } from "@remix-run/react";
import { EMPTY_NOTE, NOTE_MAP, readNote, type ComposedNote } from "../../shared/criticism-note";
import { CRITICISM_FLAG_LABEL } from "../../shared/domain/life-criticism";
import { criticismRef } from "../../shared/schemas/rectification";
import type { CriticismItemLinks } from "../../server/services/life/criticism-rectification";

/**
 * Follows a person's composed 批评与自我批评 note (written by the server only) over y-websocket.
 * Browser only; until the first sync the note given by the page holds.
 */
export function useComposedNote(docName: string | null, initial: ComposedNote = EMPTY_NOTE): ComposedNote {
  const [note, setNote] = useState(initial);
  useEffect(() => {
    if (!docName) return;
    let stopped = false;
    let cleanup = () => {};
    void (async () => {
      const [Y, { WebsocketProvider }] = await Promise.all([import("yjs"), import("y-websocket")]);
      if (stopped) return;
      const doc = new Y.Doc();
      const url = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/collab`;
      const provider = new WebsocketProvider(url, docName, doc);
      // Readers of the note announce nothing: no presence on a note.
      provider.awareness.setLocalState(null);
      const map = doc.getMap(NOTE_MAP);
      const onChange = () => setNote(readNote(doc));
      map.observe(onChange);
      cleanup = () => {
        map.unobserve(onChange);
        provider.destroy();
        doc.destroy();
      };
    })();
    return () => {
      stopped = true;
      cleanup();
    };
  }, [docName]);
  return note;
}

/**
 * The note: self-criticism, the criticisms received (authors only where the viewer may see them),
 * the answer; for the 书记 and those who keep the 整改清单, a link from each criticism to its item.
 */
export function CriticismNoteView({
  note,
  authors,
  seesFlags,
  rectification = null,
  away = false,
}: {
  note: ComposedNote;
  authors: Record<string, string> | null;
  seesFlags: boolean;
  rectification?: CriticismItemLinks | null;
  /** The 整改清单 links open another tab: on the live session page, the host stays in the round. */
  away?: boolean;
}) {
  const rect = rectification;
  const target = away ? { target: "_blank", rel: "noopener" } : {};
  return (
    <div className="crit-note" data-testid="criticism-note">
      <section className="crit-note__part">
        <h3 className="crit-note__label">自我批评（对照检查材料）</h3>
        {note.self ? <p className="crit-note__text">{note.self}</p> : <p className="muted">尚未提交对照检查材料。</p>}
      </section>
      <section className="crit-note__part">
        <h3 className="crit-note__label">收到的批评意见（{note.criticisms.length} 条）</h3>
        {note.criticisms.length === 0 ? (
          <p className="muted">还没有人写下批评意见。</p>
        ) : (
          <ol className="crit-note__list">
            {note.criticisms.map((c) => (
              <li key={c.key} className="crit-note__item" data-testid="criticism-item">
                <p className="crit-note__text">{c.text}</p>
                <div className="crit-note__meta">
                  {authors ? <span className="crit-note__author">{authors[c.key] ?? ""}</span> : null}
                  {seesFlags
                    ? c.flags.map((f) => (
                        <span key={f} className="tag tag--gold" data-testid="criticism-flag">
                          {CRITICISM_FLAG_LABEL[f]}
                        </span>
                      ))
                    : null}
                  {rect ? (
                    rect.made[c.key] ? (
                      <Link
                        to={`/orgs/${rect.orgId}/rectification#item-${rect.made[c.key]}`}
                        className="crit-note__rect"
                        {...target}
                        data-testid="criticism-item-made"
                      >
                        已生成整改事项
                      </Link>
                    ) : (
                      <Link
                        to={`/orgs/${rect.orgId}/rectification?criticism=${criticismRef(rect.meetingId, rect.personId, c.key)}#new`}
                        className="btn btn--small crit-note__rect"
                        {...target}
                        data-testid="criticism-item-make"
                      >
                        生成整改事项
                      </Link>
                    )
                  ) : null}
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section className="crit-note__part">
        <h3 className="crit-note__label">表态</h3>
        {note.answer ? <p className="crit-note__text">{note.answer}</p> : <p className="muted">尚未表态。</p>}
      </section>
    </div>
  );
}

import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { createPortal } from "react-dom";
import type { Editor } from "@tiptap/react";

// 发言人 in the minutes toolbar: inserts the chosen person's name chip at the caret, so a speech
// point names its speaker. The toolbar scrolls sideways on a phone (overflow: auto), and a list
// opened inside it would be clipped to the toolbar's 53 px, so the list is drawn in a portal on
// <body>, fixed under the button and kept inside the viewport. A pointer or a finger picks a name
// without taking the focus from the editor (the phone's keyboard stays up); the keyboard opens it
// with Enter, Space or ↓, moves with ↑ ↓ Home End, picks with Enter, and Escape or a tap elsewhere
// closes it.

/** Someone on the meeting's list, for marking a speech point with its speaker. */
export interface SpeakerChoice {
  id: string;
  name: string;
  present: boolean;
}

interface Place {
  top: number;
  left: number;
  width: number;
  maxHeight: number;
}

const GAP = 6;
const MARGIN = 12;

/**
 * Under the button, inside the visible part of the page: lined up with the button's left edge,
 * or with its right edge when the button is in the right half (at the end of a phone's toolbar).
 */
function placeUnder(button: HTMLElement): Place {
  const r = button.getBoundingClientRect();
  const vv = window.visualViewport;
  const vw = document.documentElement.clientWidth;
  const vh = vv ? vv.height + vv.offsetTop : window.innerHeight;
  const width = Math.min(288, vw - 2 * MARGIN);
  const wanted = r.left + r.width / 2 > vw / 2 ? r.right - width : r.left;
  const left = Math.min(Math.max(MARGIN, wanted), vw - MARGIN - width);
  const top = r.bottom + GAP;
  return { top, left, width, maxHeight: Math.max(176, Math.min(360, vh - top - MARGIN)) };
}

export function SpeakerPicker({ editor, speakers }: { editor: Editor; speakers: SpeakerChoice[] }) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [place, setPlace] = useState<Place | null>(null);
  // Opened from the keyboard: the focus goes into the list as soon as it exists (below).
  const [intoList, setIntoList] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const id = useId();
  // Those present first; otherwise the list's order (stable sort).
  const ordered = useMemo(() => [...speakers].sort((a, b) => Number(b.present) - Number(a.present)), [speakers]);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  }, []);
  const choose = (p: SpeakerChoice) => {
    setOpen(false);
    // Back into the editor at once (TipTap's focus() waits a frame), so that it takes its caret
    // from its own state, and what is typed next lands after the chip, not before it.
    editor.view.focus();
    editor.chain().focus().insertSpeaker({ userId: p.id, name: p.name }).run();
  };
  const openWith = (index: number, takeFocus: boolean) => {
    setActive(index);
    if (button.current) setPlace(placeUnder(button.current));
    // A keyboard user goes into the list; a pointer leaves the focus (and the caret) in the editor.
    setIntoList(takeFocus);
    setOpen(true);
  };
  // In the same commit as the list, before the next key arrives.
  useLayoutEffect(() => {
    if (open && intoList) list.current?.focus();
  }, [open, intoList]);

  // Follow the button when the page or the toolbar scrolls, the window or the phone's keyboard
  // changes size; close on a tap anywhere else and on Escape wherever the focus is.
  useLayoutEffect(() => {
    if (!open) return;
    const follow = () => button.current && setPlace(placeUnder(button.current));
    follow();
    const outside = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!list.current?.contains(t) && !button.current?.contains(t)) close(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        close(list.current?.contains(document.activeElement) ?? false);
      }
    };
    window.addEventListener("scroll", follow, true);
    window.addEventListener("resize", follow);
    window.visualViewport?.addEventListener("resize", follow);
    document.addEventListener("pointerdown", outside, true);
    window.addEventListener("keydown", escape);
    return () => {
      window.removeEventListener("scroll", follow, true);
      window.removeEventListener("resize", follow);
      window.visualViewport?.removeEventListener("resize", follow);
      document.removeEventListener("pointerdown", outside, true);
      window.removeEventListener("keydown", escape);
    };
  }, [open, close]);

  // The active option stays in view as the arrow keys move.
  useEffect(() => {
    if (open) list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [open, active]);

  const onListKey = (e: React.KeyboardEvent) => {
    const last = ordered.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, active + 1),
      ArrowUp: Math.max(0, active - 1),
      Home: 0,
      End: last,
    };
    if (e.key in moves) {
      e.preventDefault();
      setActive(moves[e.key]);
    } else if ((e.key === "Enter" || e.key === " ") && ordered[active]) {
      e.preventDefault();
      choose(ordered[active]);
    } else if (e.key === "Tab") {
      close(false);
    }
  };

  return (
    <div className="toolbar__group speaker-picker">
      <button
        ref={button}
        type="button"
        className="toolbar__btn toolbar__btn--text"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? `${id}-list` : undefined}
        title="标注发言人"
        onMouseDown={(e) => e.preventDefault()}
        // A click from the keyboard (Enter, Space) has detail 0.
        onClick={(e) => (open ? close(false) : openWith(0, e.detail === 0))}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && !open) {
            e.preventDefault();
            openWith(0, true);
          }
        }}
      >
        发言人
      </button>
      {open && place
        ? createPortal(
            <ul
              ref={list}
              id={`${id}-list`}
              className="speaker-picker__list"
              role="listbox"
              aria-label="选择发言人"
              aria-activedescendant={ordered[active] ? `${id}-${active}` : undefined}
              tabIndex={-1}
              style={{ top: place.top, left: place.left, width: place.width, maxHeight: place.maxHeight }}
              onKeyDown={onListKey}
            >
              {ordered.length === 0 ? <li className="speaker-picker__empty">名单为空</li> : null}
              {ordered.map((p, i) => (
                <li
                  key={p.id}
                  id={`${id}-${i}`}
                  data-index={i}
                  role="option"
                  aria-selected={i === active}
                  className="speaker-picker__option"
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(p)}
                >
                  <span className="speaker-picker__name">{p.name}</span>
                  {p.present ? null : <span className="speaker-picker__note">未到</span>}
                </li>
              ))}
            </ul>,
            document.body,
          )
        : null}
    </div>
  );
}

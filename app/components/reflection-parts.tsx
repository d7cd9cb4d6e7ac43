import type { ReflectionStatus } from "../../shared/permissions";
import { highlightSegments, type MarkRange } from "../../shared/domain/text";
import { REFLECTION_STATUS_LABEL } from "../../shared/schemas/reflections";

// Small pieces the 心得体会 pages share: the status tag, a submitted text as paragraphs, and a
// text with the passages it shares with another highlighted (numbered on both sides).

const TONE: Record<ReflectionStatus, string> = {
  draft: "tag tag--muted",
  submitted: "tag tag--blue",
  returned: "tag tag--gold",
  accepted: "tag tag--green",
};

export function ReflectionStatusTag({ status }: { status: ReflectionStatus }) {
  return <span className={TONE[status]}>{REFLECTION_STATUS_LABEL[status]}</span>;
}

/** A submitted text, one paragraph per line. */
export function SubmittedText({ text }: { text: string }) {
  return (
    <div className="refl-text" data-testid="reflection-text">
      {text.split("\n").map((line, i) => (line.trim() ? <p key={i}>{line}</p> : null))}
    </div>
  );
}

/**
 * A text with marked passages. Line breaks are kept (white-space: pre-wrap), so offsets into the
 * plain text map one to one onto what is shown.
 */
export function HighlightedText({ text, ranges, label }: { text: string; ranges: MarkRange[]; label: string }) {
  return (
    <div className="refl-marked" aria-label={label} tabIndex={0}>
      {highlightSegments(text, ranges).map((p, i) =>
        p.n === null ? (
          <span key={i}>{p.text}</span>
        ) : (
          <mark
            key={i}
            className={p.n % 2 === 0 ? "refl-mark refl-mark--alt" : "refl-mark"}
            data-n={p.n}
            title={`重合段落 ${p.n}`}
          >
            <sup className="refl-mark__n" aria-hidden="true">
              {p.n}
            </sup>
            {p.text}
          </mark>
        ),
      )}
    </div>
  );
}

/** 0.823 → "82%". */
export const percent = (x: number) => `${Math.round(x * 100)}%`;

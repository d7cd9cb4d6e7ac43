import type { ReactNode } from "react";
import figureStripCss from "../styles/figure-strip.css?url";

// A strip of figures with their labels, as a <dl> (attendance counts, the 心得体会 overview, the
// 民主评议 results). Beside `Stat` (a figure that may be a link, in a `.stats` grid), this one is a
// single bordered strip: four a row, or eight that wrap to two rows on phones.

/** For the `links` of the routes that show a strip. */
export const figureStripStyles = [{ rel: "stylesheet", href: figureStripCss }];

export interface Figure {
  key: string;
  label: string;
  value: ReactNode;
  /** "/ of": the whole the value is part of (已提交 5 / 12). */
  of?: number;
  /** warn: needs a look (gold); ok / bad: the figure is good / bad news; quiet: a derived figure. */
  tone?: "warn" | "ok" | "bad" | "quiet";
  /** The value is a word, not a number: set smaller. */
  word?: boolean;
  testId?: string;
}

export function FigureStrip({
  figures,
  testId,
  className,
}: {
  figures: Figure[];
  testId?: string;
  className?: string;
}) {
  return (
    <dl
      className={className ? `figure-strip ${className}` : "figure-strip"}
      data-count={figures.length}
      data-testid={testId}
    >
      {figures.map((f) => (
        <div key={f.key} className="figure" data-stat={f.key} data-tone={f.tone} data-testid={f.testId}>
          <dt>{f.label}</dt>
          <dd className={f.word ? "figure__word" : undefined}>
            {f.value}
            {f.of !== undefined ? <span className="figure__of">/{f.of}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

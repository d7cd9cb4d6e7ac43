import type { ComponentType, ReactNode } from "react";

// The head of every meeting page (the session page, attendance, votes, 心得体会): tags, a line
// naming the page, the title, then the facts, an icon each. One component so the pages keep the
// same shape and the same words for screen readers.

export interface MeetingFact {
  icon: ComponentType<{ size?: number }>;
  /** Said by screen readers in place of the icon. */
  label: string;
  value: ReactNode;
  testId?: string;
}

export function MeetingHead({
  tags,
  tagsClassName = "att-head__tags",
  eyebrow,
  title,
  notice,
  facts,
}: {
  tags: ReactNode;
  /** The session page and votes lay their tags (and buttons) out as a page-head line. */
  tagsClassName?: "att-head__tags" | "page-head__meta";
  /** Which page of the meeting this is (考勤, 表决, …); the session page has none. */
  eyebrow?: ReactNode;
  title: ReactNode;
  /** Under the title, before the facts: e.g. that the meeting was cancelled. */
  notice?: ReactNode;
  facts: (MeetingFact | null | false)[];
}) {
  return (
    <header className="meeting-head">
      <span className={tagsClassName}>{tags}</span>
      {eyebrow ? <p className="eyebrow">{eyebrow}</p> : null}
      <h1 className="meeting-head__title">{title}</h1>
      {notice}
      <dl className="facts">
        {facts.map((f) =>
          f ? (
            <div key={f.label}>
              <dt>
                <f.icon />
                <span className="sr-only">{f.label}</span>
              </dt>
              <dd data-testid={f.testId}>{f.value}</dd>
            </div>
          ) : null,
        )}
      </dl>
    </header>
  );
}

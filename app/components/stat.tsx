import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

// A figure with its label (branch home: members by category; 党委 overview: totals), inside a
// `.stats` grid. A link when the figure leads to the list behind it.

export function Stat({
  value,
  label,
  to,
  danger,
  children,
}: {
  value: ReactNode;
  label: ReactNode;
  to?: string;
  /** The figure needs attention: shown red. */
  danger?: boolean;
  /** Under the label (a note). */
  children?: ReactNode;
}) {
  const body = (
    <>
      <span className={danger ? "stat__value text-danger" : "stat__value"}>{value}</span>
      <span className="stat__label">{label}</span>
      {children}
    </>
  );
  return to ? (
    <Link to={to} className="stat">
      {body}
    </Link>
  ) : (
    <div className="stat">{body}</div>
  );
}

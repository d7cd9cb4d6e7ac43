// The colour tokens of app/styles/app.css (:root) that JavaScript needs as values. ECharts draws its
// SVG from option objects and cannot resolve `var(--…)`, and a <meta name="theme-color"> takes a
// literal, so these few are mirrored here. Keep each equal to its token in app.css; CSS and JSX
// styles use the custom properties themselves, never these.
export const COLOR = {
  primary: "#b91c1c", // --color-primary
  primaryDeep: "#7f1d1d", // --color-primary-deep
  gold: "#b45309", // --color-gold
  goldDeep: "#92400e", // --color-gold-deep
  info: "#1d4ed8", // --color-info
  success: "#15803d", // --color-success
  violet: "#7c3aed", // --color-violet
  teal: "#0f766e", // --color-teal
  pink: "#be185d", // --color-pink
  sky: "#0369a1", // --color-sky
  ink2: "#44403c", // --color-ink-2
  muted: "#78716c", // --color-muted
  line: "#e7e5e4", // --color-line
  surface: "#ffffff", // --color-surface
  faint: "#a8a29e", // --color-faint
} as const;

/** `rgba()` of a "#rrggbb" token, for ECharts fills that need translucency. */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

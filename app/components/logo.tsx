// Two interlocking rings: 同心, "one heart".
/** `onRed`: drawn on a red band (sign-in pages, 投屏), white with gold and red rings. */
export function Logo({ size = 32, onRed = false }: { size?: number; onRed?: boolean }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 48 48"
      aria-hidden="true"
      className={onRed ? "logo logo--on-red" : "logo"}
    >
      <rect width="48" height="48" rx="12" fill="var(--color-primary)" />
      <circle cx="19" cy="24" r="9" fill="none" stroke="var(--color-gold-line)" strokeWidth="3.5" />
      <circle cx="29" cy="24" r="9" fill="none" stroke="var(--color-on-primary)" strokeWidth="3.5" />
    </svg>
  );
}

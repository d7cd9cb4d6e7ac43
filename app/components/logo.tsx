// Two interlocking rings: 同心, "one heart".
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 48 48" aria-hidden="true" className="logo">
      <rect width="48" height="48" rx="12" fill="var(--color-primary)" />
      <circle cx="19" cy="24" r="9" fill="none" stroke="var(--color-gold-line)" strokeWidth="3.5" />
      <circle cx="29" cy="24" r="9" fill="none" stroke="var(--color-on-primary)" strokeWidth="3.5" />
    </svg>
  );
}

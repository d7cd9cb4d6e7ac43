import { useEffect, useState } from "react";

/** Milliseconds left, counted down in the browser from the value the server gave (`key` restarts it). */
export function useCountdown(ms: number, key: string) {
  const [left, setLeft] = useState(ms);
  useEffect(() => {
    const t0 = Date.now();
    setLeft(ms);
    const timer = window.setInterval(() => setLeft(Math.max(0, ms - (Date.now() - t0))), 250);
    return () => window.clearInterval(timer);
  }, [ms, key]);
  return left;
}

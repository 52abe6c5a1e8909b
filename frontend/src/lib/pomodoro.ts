import { useEffect, useState } from 'react';

/** Whole seconds left until `endsAt` (0 once it has passed). */
export function secondsLeft(endsAt: string | null | undefined, now: number): number {
  if (!endsAt) return 0;
  return Math.max(0, Math.ceil((Date.parse(endsAt) - now) / 1000));
}

export function formatClock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** Counts down to the server's `ends_at`: a reload picks up where it was. */
export function useCountdown(endsAt: string | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!endsAt) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [endsAt]);
  return secondsLeft(endsAt, now);
}

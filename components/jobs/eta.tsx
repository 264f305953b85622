'use client';

import { useEffect, useState } from 'react';

/** Counts the ETA down from the moment the signal was written. */
export function Eta({ etaSeconds, updatedAt }: { etaSeconds: number | null; updatedAt: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (etaSeconds === null) return <span className="text-muted">unknown</span>;
  const left = Math.max(0, Math.round(etaSeconds - (now - Date.parse(updatedAt)) / 1000));
  const text = left >= 60 ? `${Math.floor(left / 60)} min ${left % 60} s` : `${left} s`;
  return (
    <span data-testid="eta" className="font-mono tabular-nums">
      {left === 0 ? 'any moment' : `~${text}`}
    </span>
  );
}

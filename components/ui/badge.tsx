const KIND_STYLE: Record<string, string> = {
  queued: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  started: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200',
  phase: 'bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200',
  blocked: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  failed: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200',
  succeeded: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200',
  canceled: 'bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  unavailable: 'bg-purple-100 text-purple-800 dark:bg-purple-950 dark:text-purple-200',
};

export function KindBadge({ kind }: { kind: string }) {
  return (
    <span
      data-testid="kind-badge"
      data-kind={kind}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${KIND_STYLE[kind] ?? KIND_STYLE.queued}`}
    >
      {kind}
    </span>
  );
}

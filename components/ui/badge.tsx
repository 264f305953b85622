const KIND_STYLE: Record<string, string> = {
  // Status tokens (docs/ui.md); kinds that share a colour differ by outline.
  queued: 'bg-subtle text-fg',
  started: 'bg-info-soft text-info',
  phase: 'bg-info-soft text-info ring-1 ring-inset ring-current',
  blocked: 'bg-warn-soft text-warn',
  failed: 'bg-danger-soft text-danger',
  succeeded: 'bg-ok-soft text-ok',
  canceled: 'bg-subtle text-muted ring-1 ring-inset ring-current',
  unavailable: 'bg-warn-soft text-warn ring-1 ring-inset ring-current',
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

'use client';

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div
      role="alert"
      data-testid="page-error"
      className="rounded-lg border border-line bg-danger-soft p-6 text-danger"
    >
      <h1 className="font-semibold">This page could not load its data.</h1>
      <p className="mt-1 text-sm">The database may be unreachable. The console retries when you ask it to.</p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md bg-inverse px-3 py-1.5 text-sm font-medium text-inverse-fg"
      >
        Retry
      </button>
    </div>
  );
}

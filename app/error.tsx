'use client';

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div
      role="alert"
      data-testid="page-error"
      className="rounded-lg border border-rose-200 bg-rose-50 p-6 text-rose-900 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-100"
    >
      <h1 className="font-semibold">This page could not load its data.</h1>
      <p className="mt-1 text-sm">The database may be unreachable. The console retries when you ask it to.</p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md bg-rose-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-800"
      >
        Retry
      </button>
    </div>
  );
}

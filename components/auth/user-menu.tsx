import type { Viewer } from '@/lib/auth/roles';

/** Who is signed in, and sign-out as a plain form post (works without JavaScript). */
export function UserMenu({ viewer }: { viewer: Viewer }) {
  return (
    <div className="flex items-center gap-2">
      <span className="text-slate-500 dark:text-slate-400" data-testid="viewer">
        {viewer.name} · {viewer.role}
      </span>
      <form method="post" action="/api/auth/sign-out">
        <button
          type="submit"
          data-testid="sign-out"
          className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          Sign out
        </button>
      </form>
    </div>
  );
}

import type { Viewer } from '@/lib/auth/roles';

/** Who is signed in, and sign-out as a plain form post (works without JavaScript). */
export function UserMenu({ viewer }: { viewer: Viewer }) {
  return (
    <div className="flex items-center gap-2">
      <span className="text-muted" data-testid="viewer">
        {viewer.name} · {viewer.role}
      </span>
      <form method="post" action="/api/auth/sign-out">
        <button
          type="submit"
          data-testid="sign-out"
          className="rounded-md border border-line-strong px-2 py-1 text-xs hover:bg-subtle"
        >
          Sign out
        </button>
      </form>
    </div>
  );
}

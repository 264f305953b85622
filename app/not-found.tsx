import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="py-16 text-center" data-testid="not-found">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-500">
        It does not exist, or it belongs to a tenant you cannot see.
      </p>
      <Link href="/" className="mt-4 inline-block text-sm text-blue-700 hover:underline dark:text-blue-300">
        Back to the overview
      </Link>
    </div>
  );
}

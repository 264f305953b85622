import Link from 'next/link';
import { MainContentRendered } from '@/components/telemetry/mark';

export default function NotFound() {
  return (
    <div className="py-16 text-center" data-testid="not-found">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-muted">It does not exist, or it belongs to a tenant you cannot see.</p>
      <Link href="/" className="mt-4 inline-block text-sm text-link hover:underline">
        Back to the overview
      </Link>
      <MainContentRendered page="not-found" />
    </div>
  );
}

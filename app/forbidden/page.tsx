import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { MainContentRendered } from '@/components/telemetry/mark';

export const metadata = { title: 'Not allowed' };

/** Shown (with status 403 from proxy.ts) when the signed-in role may not open a page. */
export default function ForbiddenPage() {
  return (
    <div className="mx-auto mt-8 max-w-md" data-testid="forbidden">
      <Card title="Not allowed">
        <p className="text-sm text-muted">
          Your role cannot open this page. Ask an administrator if you need access.
        </p>
        <Link href="/" className="mt-3 inline-block text-sm text-link hover:underline">
          Back to the overview
        </Link>
      </Card>
      <MainContentRendered page="forbidden" />
    </div>
  );
}

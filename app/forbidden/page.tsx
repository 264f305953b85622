import Link from 'next/link';
import { Card } from '@/components/ui/card';

export const metadata = { title: 'Not allowed' };

/** Shown (with status 403 from proxy.ts) when the signed-in role may not open a page. */
export default function ForbiddenPage() {
  return (
    <div className="mx-auto mt-8 max-w-md" data-testid="forbidden">
      <Card title="Not allowed">
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Your role cannot open this page. Ask an administrator if you need access.
        </p>
        <Link href="/" className="mt-3 inline-block text-sm text-blue-700 hover:underline dark:text-blue-300">
          Back to the overview
        </Link>
      </Card>
    </div>
  );
}

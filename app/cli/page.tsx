import { headers } from 'next/headers';
import { PersonalTokens } from '@/components/auth/personal-tokens';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Card, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { publicOrigin } from '@/lib/auth/config';
import { listPersonalTokens } from '@/lib/auth/tokens';

export const metadata = { title: 'Command line' };

/** How support engineers sign the `ttfs` CLI in: a personal token made here, no admin needed. */
export default async function CliPage() {
  const viewer = await currentViewer({ role: 'support' });
  const tokens = await listPersonalTokens(viewer.id);
  const consoleUrl = publicOrigin({ headers: await headers() });
  return (
    <>
      <PageHeader
        title="Command line"
        description="The ttfs command shows a job's first signal in a terminal or CI, as the job page does"
      />
      <div className="space-y-4">
        <Card title="Sign the CLI in">
          <PersonalTokens consoleUrl={consoleUrl} tokens={tokens} />
        </Card>
        <Card title="Use it">
          <pre className="overflow-x-auto rounded-md bg-subtle p-3 font-mono text-xs leading-5">
            {`ttfs signal 3f2a9c1e         # a job by the 8 characters the pages show
ttfs signal <jobId> --watch  # follow it until it ends
ttfs run <runId>             # a run's most relevant job
ttfs --help`}
          </pre>
          <p className="mt-2 text-sm text-muted">
            A personal token reads job signals of your tenants and reports the CLI&apos;s own time to first
            signal. Machines (CI pipelines) use a token an admin makes for one tenant.
          </p>
        </Card>
      </div>
      <MainContentRendered page="cli" />
    </>
  );
}

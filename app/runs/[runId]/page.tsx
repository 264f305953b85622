import { notFound, redirect } from 'next/navigation';

export const metadata = { title: 'Run' };

/** A run's link (as schedulers write them in next actions) opens the jobs list filtered to the run. */
export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(runId)) notFound();
  redirect(`/jobs?q=${runId.toLowerCase()}`);
}

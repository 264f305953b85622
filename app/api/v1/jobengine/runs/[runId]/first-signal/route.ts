export const dynamic = 'force-dynamic';

// The platform's later name for /api/v1/orchestrator/runs/{runId}/first-signal,
// answered by the same handler (docs/compat.md).
export { GET } from '@/app/api/v1/orchestrator/runs/[runId]/first-signal/route';

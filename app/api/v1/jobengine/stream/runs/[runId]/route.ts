export const dynamic = 'force-dynamic';

// The platform's later name for /api/v1/orchestrator/stream/runs/{runId},
// answered by the same handler.
export { GET } from '@/app/api/v1/orchestrator/stream/runs/[runId]/route';

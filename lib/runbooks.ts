// Runbooks for the failure signatures of the demo data, kept as Markdown in
// docs/runbooks/ and shown at /runbooks/{slug}. Signatures written before the
// runbooks moved there link to /docs/... paths; LEGACY maps them.

export const RUNBOOKS: Record<string, { title: string; legacy: string }> = {
  'rate-limits': { title: 'Registry pull rate limits', legacy: '/docs/troubleshooting/rate-limits' },
  'manifest-unknown': { title: 'Image tag not found', legacy: '/docs/troubleshooting/manifest-unknown' },
  'cache-corrupt': { title: 'Corrupt layer cache entry', legacy: '/docs/troubleshooting/cache' },
  whiteouts: { title: 'Unsupported whiteout format', legacy: '/docs/troubleshooting/whiteouts' },
  oom: { title: 'Analyzer out of memory', legacy: '/docs/troubleshooting/oom' },
  'policy-publish': { title: 'Policy bundle missing', legacy: '/docs/policies/publish' },
  'report-store': { title: 'Report upload timeouts', legacy: '/docs/troubleshooting/report-store' },
  'registry-credentials': { title: 'Expired registry credentials', legacy: '/docs/registries/credentials' },
  preemption: { title: 'Worker preempted', legacy: '/docs/troubleshooting/preemption' },
  'feed-sync': { title: 'Stale vulnerability feed', legacy: '/docs/feeds/sync' },
};

const LEGACY = new Map(Object.entries(RUNBOOKS).map(([slug, r]) => [r.legacy, `/runbooks/${slug}`]));

/** The console path of a runbook link: a legacy /docs/... path becomes /runbooks/{slug}. */
export function runbookHref(href: string): string {
  return LEGACY.get(href) ?? href;
}

export function isRunbook(slug: string): boolean {
  return Object.hasOwn(RUNBOOKS, slug);
}

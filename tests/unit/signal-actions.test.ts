import { describe, expect, it } from 'vitest';
import { actionable, actionableActions } from '@/lib/signals/actions';
import { runbookHref } from '@/lib/runbooks';

const run = '0b3c8f0e-1c55-4d8e-9a55-3c1b2d3e4f50';

describe('next actions', () => {
  it('keeps links to console pages and external pages', () => {
    for (const href of [
      `/runs/${run}`,
      `/jobs/${run}`,
      `/jobs?q=${run}`,
      '/runbooks/oom',
      '/cli',
      'https://ci.example.test/x',
    ])
      expect(actionable({ label: 'Go', href }), href).toEqual({ label: 'Go', href });
  });

  it('drops retries and links to pages the console does not have', () => {
    expect(actionable({ label: 'Retry', href: `/jobs/${run}?retry=1` })).toBeNull();
    expect(actionable({ label: 'Retry job', href: '/jobs' })).toBeNull();
    expect(actionable({ label: 'View run', href: '/runs/abc-123' })).toBeNull();
    expect(actionable({ label: 'Open runbook', href: '/runbooks/no-such-runbook' })).toBeNull();
    expect(actionable({ label: 'Docs', href: '/docs/unknown' })).toBeNull();
  });

  it('moves runbook links of older signatures to their console page', () => {
    expect(runbookHref('/docs/troubleshooting/cache')).toBe('/runbooks/cache-corrupt');
    expect(actionableActions([{ label: 'Open runbook', href: '/docs/feeds/sync' }])).toEqual([
      { label: 'Open runbook', href: '/runbooks/feed-sync' },
    ]);
  });
});

'use client';

import { useSearchParams } from 'next/navigation';
import { createContext, Suspense, useContext, useEffect, type ReactNode } from 'react';
import { MAIN_CONTENT_MARK } from './constants';
import { sendUiTtfs } from './send-ui-ttfs';

interface ReportingTenants {
  tenants: { id: string; slug: string }[];
}

const TenantsContext = createContext<ReportingTenants>({ tenants: [] });

/** The tenants the signed-in person may see: page renders are reported against one of them. */
export function PageTelemetryProvider({
  tenants,
  children,
}: {
  tenants: { id: string; slug: string }[];
  children: ReactNode;
}) {
  return <TenantsContext.Provider value={{ tenants }}>{children}</TenantsContext.Provider>;
}

// Once per document: a page's time to main content is measured from navigation
// start, which only a full load has. Client-side navigations are not reported.
let reported = false;

function afterPaint(callback: () => void) {
  // The frame callback runs before the paint; the task after it runs once the frame is drawn.
  requestAnimationFrame(() => setTimeout(callback, 0));
}

function send(page: string, tenantId: string, ttfs: number) {
  sendUiTtfs(
    {
      tenant_id: tenantId,
      // One page view, so the start and rendered events pair up like a job's.
      job_id: crypto.randomUUID(),
      cache_hit: false,
      metadata: { page, path: location.pathname },
    },
    ttfs,
  );
}

/**
 * Reports the page's main content as drawn (once `ready`) and sends a
 * signal.start / signal.rendered pair with surface `ui` and the page in
 * metadata. When the server's HTML already drew it, the inline mark
 * (./mark.tsx) holds the time of that first frame; otherwise (content revealed
 * by a Suspense boundary, or drawn by the client) the time is taken now, at
 * the first frame after this effect.
 */
export function useReportRendered(page: string, ready = true) {
  const { tenants } = useContext(TenantsContext);
  const params = useSearchParams();
  const slug = params.get('tenant');
  const tenantId = (tenants.find((t) => t.slug === slug) ?? tenants[0])?.id ?? null;
  useEffect(() => {
    if (!ready || reported) return;
    reported = true;
    const finish = (ttfs: number) => {
      // Signed out (no tenant to report against): the mark only.
      if (tenantId) send(page, tenantId, Math.max(0, Math.round(ttfs)));
    };
    const drawn = performance.getEntriesByName(MAIN_CONTENT_MARK)[0];
    if (drawn) return finish(drawn.startTime);
    afterPaint(() => {
      if (!document.documentElement.dataset.mainContent) {
        performance.mark(MAIN_CONTENT_MARK, { detail: { page } });
        document.documentElement.dataset.mainContent = page;
      }
      finish(performance.getEntriesByName(MAIN_CONTENT_MARK)[0]?.startTime ?? performance.now());
    });
  }, [page, ready, tenantId]);
}

function Reporter({ page }: { page: string }) {
  useReportRendered(page);
  return null;
}

/** The client half of `MainContentRendered` (./mark.tsx). */
export function PageRenderedReporter({ page }: { page: string }) {
  return (
    <Suspense fallback={null}>
      <Reporter page={page} />
    </Suspense>
  );
}

import { Suspense } from 'react';
import { AttributionCard } from '@/components/dashboard/attribution-card';
import { BreachesCard } from '@/components/dashboard/breaches-card';
import { BudgetCard } from '@/components/dashboard/budget-card';
import { ConsoleCard } from '@/components/dashboard/console-card';
import { DistributionCard } from '@/components/dashboard/distribution-card';
import { DrillDownCard, DrillDownPlaceholder } from '@/components/dashboard/drill-down-card';
import { FiltersBar } from '@/components/dashboard/filters-bar';
import { LatencyCard } from '@/components/dashboard/latency-card';
import { preloadShortWindows, viewKey, type Search } from '@/components/dashboard/scope';
import { Tiles } from '@/components/dashboard/tiles';
import { CardSkeleton, PageHeader } from '@/components/ui/card';

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  // Picking a bucket changes only the drill-down: the other cards keep their content.
  const key = viewKey(search);
  preloadShortWindows(search);
  return (
    <>
      <PageHeader
        title="Overview"
        description="Time to first signal against the SLO: p50 ≤ 2 s and p95 ≤ 5 s on every surface"
      />
      <Suspense fallback={<div className="mb-5 h-8" />}>
        <FiltersBar renderedAt={new Date().toISOString()} />
      </Suspense>
      <div className="space-y-5">
        <div className="grid grid-cols-1 gap-5 xl:grid-cols-[minmax(0,1fr)_22rem]">
          {/* The main content: in the first flush, never behind a fallback. */}
          <LatencyCard search={search} />
          <Suspense key={`drill${JSON.stringify(search)}`} fallback={<DrillDownPlaceholder />}>
            <DrillDownCard search={search} />
          </Suspense>
        </div>
        <Suspense
          key={`tiles${key}`}
          fallback={
            <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
              <CardSkeleton height="h-28" />
              <CardSkeleton height="h-28" />
              <CardSkeleton height="h-28" />
            </div>
          }
        >
          <Tiles search={search} />
        </Suspense>
        <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
          <Suspense key={`dist${key}`} fallback={<CardSkeleton height="h-56" />}>
            <DistributionCard search={search} />
          </Suspense>
          <Suspense key={`breaches${key}`} fallback={<CardSkeleton height="h-56" />}>
            <BreachesCard search={search} />
          </Suspense>
        </div>
        <Suspense key={`budget${key}`} fallback={<CardSkeleton height="h-72" />}>
          <BudgetCard search={search} />
        </Suspense>
        <Suspense key={`attribution${key}`} fallback={<CardSkeleton height="h-40" />}>
          <AttributionCard search={search} />
        </Suspense>
        <Suspense key={`console${key}`} fallback={<CardSkeleton height="h-32" />}>
          <ConsoleCard search={search} />
        </Suspense>
      </div>
    </>
  );
}

import { CardSkeleton, Skeleton } from '@/components/ui/card';

export default function Loading() {
  return (
    <div aria-busy="true" data-testid="job-skeleton">
      <Skeleton className="mb-2 h-4 w-32" />
      <Skeleton className="mb-6 h-6 w-96" />
      <CardSkeleton height="h-56" />
    </div>
  );
}

import { SignatureForm } from '@/components/signatures/signature-form';
import { PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { listTenants } from '@/lib/queries/tenants';
import { MainContentRendered } from '@/components/telemetry/mark';

export const metadata = { title: 'New failure signature' };

export default async function NewSignaturePage() {
  const viewer = await currentViewer({ role: 'admin' });
  const tenants = await listTenants(viewer);
  return (
    <>
      <PageHeader title="New failure signature" />
      <SignatureForm
        tenants={tenants}
        initial={{
          tenant_id: tenants[0]?.id ?? '',
          phase: '',
          error_code: '',
          image_pattern: '',
          likely_cause: '',
          mttr_p50: '',
          mttr_p50_unit: 'min',
          mttr_p95: '',
          mttr_p95_unit: 'min',
          suggested_action: '',
          remediation_url: '',
          confidence: '0.5',
          expires_at: '',
          reason: '',
        }}
      />
      <MainContentRendered page="signature-new" />
    </>
  );
}

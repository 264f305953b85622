import { notFound } from 'next/navigation';
import { mttrFields } from '@/components/signatures/mttr';
import { SignatureForm } from '@/components/signatures/signature-form';
import { Card, PageHeader } from '@/components/ui/card';
import { canSeeTenant, currentViewer } from '@/lib/auth';
import { getSignature, signatureHistory } from '@/lib/queries/signatures';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Timestamp } from '@/components/format/zone';

export const metadata = { title: 'Failure signature' };

function changes(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  if (!before || !after) return before ? 'deleted' : 'created';
  return Object.keys({ ...before, ...after })
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`)
    .join('; ');
}

export default async function SignaturePage({ params }: { params: Promise<{ signatureId: string }> }) {
  const viewer = await currentViewer({ role: 'admin' });
  const { signatureId: id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const signature = await getSignature(id);
  if (!signature || !canSeeTenant(viewer, signature.tenantId)) notFound();
  const history = await signatureHistory(id);
  const o = signature.outcome;
  return (
    <>
      <PageHeader
        title="Failure signature"
        description={`${signature.sampleCount} matches · ${signature.enabled ? 'enabled' : 'disabled'}${signature.expired ? ' · expired' : ''}`}
      />
      <SignatureForm
        signatureId={signature.id}
        tenants={[]}
        initial={{
          tenant_id: signature.tenantId,
          phase: signature.pattern.phase ?? '',
          error_code: signature.pattern.error_code ?? '',
          image_pattern: signature.pattern.image_pattern ?? '',
          likely_cause: o.likely_cause ?? '',
          mttr_p50: mttrFields(o.mttr_p50_seconds).amount,
          mttr_p50_unit: mttrFields(o.mttr_p50_seconds).unit,
          mttr_p95: mttrFields(o.mttr_p95_seconds).amount,
          mttr_p95_unit: mttrFields(o.mttr_p95_seconds).unit,
          suggested_action: o.suggested_action ?? '',
          remediation_url: o.remediation_url ?? '',
          confidence: signature.confidence.toString(),
          expires_at: signature.expiresAt?.toISOString().slice(0, 10) ?? '',
          reason: '',
        }}
      />
      <Card title="History" className="mt-6" testId="signature-history">
        {history.length === 0 ? (
          <p className="text-sm text-muted">
            No recorded changes (created before the audit trail, or by the demo data).
          </p>
        ) : (
          <ol className="space-y-2 text-sm">
            {history.map((h, i) => (
              <li key={i} data-testid="history-row">
                <Timestamp className="text-xs text-muted" value={h.at.toISOString()} seconds />{' '}
                <strong>{h.actorName}</strong> {h.action}
                {h.reason ? <> — “{h.reason}”</> : null}
                <div className="font-mono text-xs break-all text-muted">{changes(h.before, h.after)}</div>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <MainContentRendered page="signature" />
    </>
  );
}

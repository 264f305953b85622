'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Timestamp } from '@/components/format/zone';
import { BUTTON_CLASS, FIELD_BASE_CLASS, FIELD_CLASS, SECONDARY_BUTTON_CLASS } from '@/components/ui/input';
import { mttrSeconds, type MttrUnit } from './mttr';
import { PATTERN_PHASES, signatureCreate, signaturePatch } from '@/lib/schemas/signature';

export interface FormValues {
  tenant_id: string;
  phase: string;
  error_code: string;
  image_pattern: string;
  likely_cause: string;
  /** MTTR amounts in their unit (minutes or hours). */
  mttr_p50: string;
  mttr_p50_unit: MttrUnit;
  mttr_p95: string;
  mttr_p95_unit: MttrUnit;
  suggested_action: string;
  remediation_url: string;
  confidence: string;
  expires_at: string;
  reason: string;
}

const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());

function toPayload(v: FormValues) {
  return {
    pattern: {
      phase: opt(v.phase),
      error_code: opt(v.error_code),
      image_pattern: v.image_pattern === '' ? undefined : v.image_pattern,
    },
    outcome: {
      likely_cause: v.likely_cause,
      mttr_p50_seconds: mttrSeconds(v.mttr_p50, v.mttr_p50_unit),
      mttr_p95_seconds: mttrSeconds(v.mttr_p95, v.mttr_p95_unit),
      suggested_action: opt(v.suggested_action) ?? null,
      remediation_url: opt(v.remediation_url) ?? null,
    },
    confidence: Number(v.confidence),
    expires_at: v.expires_at ? new Date(`${v.expires_at}T23:59:59Z`).toISOString() : null,
    ...(opt(v.reason) ? { reason: v.reason.trim() } : {}),
  };
}

function FieldError({ errors, k }: { errors: Record<string, string>; k: string }) {
  if (!errors[k]) return null;
  return (
    <span role="alert" className="mt-0.5 block text-xs text-danger" data-testid={`error-${k}`}>
      {errors[k]}
    </span>
  );
}

/** Create or edit a signature, validated by the API's own zod schema before sending. */
export function SignatureForm({
  initial,
  signatureId,
  tenants,
}: {
  initial: FormValues;
  signatureId?: string;
  tenants: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (k: keyof FormValues) => (e: { target: { value: string } }) =>
    setValues({ ...values, [k]: e.target.value });

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setFormError(null);
    const payload = signatureId ? toPayload(values) : { tenant_id: values.tenant_id, ...toPayload(values) };
    const parsed = (signatureId ? signaturePatch : signatureCreate).safeParse(payload);
    if (!parsed.success) {
      setErrors(
        Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'pattern', i.message])),
      );
      return;
    }
    setErrors({});
    setSaving(true);
    const response = await fetch(
      signatureId ? `/api/v1/failure-signatures/${signatureId}` : '/api/v1/failure-signatures',
      {
        method: signatureId ? 'PATCH' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(parsed.data),
      },
    );
    setSaving(false);
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      router.push(`/signatures/${(body as { id: string }).id}`);
      router.refresh();
      return;
    }
    if (response.status === 422 && body.issues)
      setErrors(
        Object.fromEntries(
          (body.issues as { path: string; message: string }[]).map((i) => [i.path, i.message]),
        ),
      );
    setFormError(body.message ?? `HTTP ${response.status}`);
  }

  const field = `mt-1 ${FIELD_CLASS}`;
  return (
    <form
      onSubmit={submit}
      className="grid max-w-3xl gap-4 sm:grid-cols-2"
      data-testid="signature-form"
      noValidate
    >
      {!signatureId && (
        <label className="text-sm sm:col-span-2">
          Tenant
          <select className={field} value={values.tenant_id} onChange={set('tenant_id')}>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <fieldset className="grid gap-3 rounded-md border border-line p-3 sm:col-span-2 sm:grid-cols-3">
        <legend className="px-1 text-xs text-muted">
          Pattern (a failure matches when every field set here matches)
        </legend>
        <label className="text-sm">
          Phase
          <select className={field} value={values.phase} onChange={set('phase')} data-testid="field-phase">
            <option value="">any</option>
            {PATTERN_PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Error code
          <input
            className={field}
            value={values.error_code}
            onChange={set('error_code')}
            data-testid="field-error-code"
          />
          <FieldError errors={errors} k="pattern.error_code" />
        </label>
        <label className="text-sm">
          Image pattern (PostgreSQL regex)
          <input
            className={`${field} font-mono`}
            value={values.image_pattern}
            onChange={set('image_pattern')}
            data-testid="field-image-pattern"
            maxLength={300}
          />
          <FieldError errors={errors} k="pattern.image_pattern" />
        </label>
        <FieldError errors={errors} k="pattern" />
      </fieldset>
      <label className="text-sm sm:col-span-2">
        Likely cause
        <input
          className={field}
          value={values.likely_cause}
          onChange={set('likely_cause')}
          data-testid="field-likely-cause"
        />
        <FieldError errors={errors} k="outcome.likely_cause" />
      </label>
      {(['p50', 'p95'] as const).map((q) => (
        <fieldset key={q} className="text-sm">
          <legend>Usually fixed within ({q === 'p50' ? 'median' : '95th percentile'})</legend>
          <div className="mt-1 flex gap-2">
            <input
              type="number"
              min={0}
              step="any"
              aria-label={`MTTR ${q}`}
              className={`${FIELD_BASE_CLASS} min-w-0 flex-1`}
              value={values[`mttr_${q}`]}
              onChange={set(`mttr_${q}`)}
              data-testid={`field-mttr-${q}`}
            />
            <select
              aria-label={`MTTR ${q} unit`}
              className={`${FIELD_BASE_CLASS} w-32 shrink-0`}
              value={values[`mttr_${q}_unit`]}
              onChange={set(`mttr_${q}_unit`)}
              data-testid={`field-mttr-${q}-unit`}
            >
              <option value="min">minutes</option>
              <option value="h">hours</option>
            </select>
          </div>
          <FieldError errors={errors} k={`outcome.mttr_${q}_seconds`} />
        </fieldset>
      ))}
      <label className="text-sm sm:col-span-2">
        Suggested action
        <input className={field} value={values.suggested_action} onChange={set('suggested_action')} />
      </label>
      <label className="text-sm">
        Runbook link
        <input
          className={field}
          value={values.remediation_url}
          onChange={set('remediation_url')}
          placeholder="/runbooks/... or https://..."
        />
        <FieldError errors={errors} k="outcome.remediation_url" />
      </label>
      <label className="text-sm">
        Confidence (0 to 1)
        <input
          type="number"
          step="0.01"
          min={0}
          max={1}
          className={field}
          value={values.confidence}
          onChange={set('confidence')}
          data-testid="field-confidence"
        />
        <FieldError errors={errors} k="confidence" />
      </label>
      <label className="text-sm">
        Expires on
        <input type="date" className={field} value={values.expires_at} onChange={set('expires_at')} />
        <FieldError errors={errors} k="expires_at" />
      </label>
      <label className="text-sm">
        Reason for this change (optional)
        <input className={field} value={values.reason} onChange={set('reason')} data-testid="field-reason" />
      </label>
      {formError && (
        <p role="alert" className="text-sm text-danger sm:col-span-2" data-testid="form-error">
          {formError}
        </p>
      )}
      <Preview values={values} signatureId={signatureId} />
      <div className="sm:col-span-2">
        <button type="submit" disabled={saving} className={BUTTON_CLASS} data-testid="save-signature">
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

interface PreviewResult {
  total: number;
  otherCount: number;
  matches: {
    jobId: string;
    at: string;
    phase: string;
    errorCode: string | null;
    imageReference: string | null;
    otherSignature: { id: string; likelyCause: string | null } | null;
  }[];
}

/** The failures of the last 7 days this pattern would have matched, asked for before saving. */
function Preview({ values, signatureId }: { values: FormValues; signatureId?: string }) {
  const [result, setResult] = useState<PreviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    setError(null);
    const { pattern } = toPayload(values);
    const response = await fetch('/api/v1/failure-signatures/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenant_id: values.tenant_id,
        pattern,
        ...(signatureId ? { signature_id: signatureId } : {}),
      }),
    }).catch(() => null);
    setBusy(false);
    const body = await response?.json().catch(() => ({}));
    if (!response?.ok) {
      setResult(null);
      const issues = (body?.issues ?? []) as { path: string; message: string }[];
      setError(
        issues.length
          ? issues.map((i) => `${i.path}: ${i.message}`).join('; ')
          : (body?.message ?? 'The preview failed.'),
      );
      return;
    }
    setResult(body as PreviewResult);
  }

  return (
    <section className="rounded-md border border-line p-3 sm:col-span-2" data-testid="signature-preview">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">What would it have matched?</h2>
        <button
          type="button"
          onClick={() => void run()}
          disabled={busy}
          className={SECONDARY_BUTTON_CLASS}
          data-testid="preview-signature"
        >
          {busy ? 'Looking…' : 'Preview the last 7 days'}
        </button>
      </div>
      {error && (
        <p role="alert" className="mt-2 text-sm text-danger">
          {error}
        </p>
      )}
      {result && (
        <div className="mt-2 text-sm" aria-live="polite">
          <p data-testid="preview-summary">
            {result.total === 0
              ? 'No failure of the last 7 days matches this pattern.'
              : `${result.total} failure${result.total === 1 ? '' : 's'} of the last 7 days ${result.total === 1 ? 'matches' : 'match'}; another signature matches ${result.otherCount} of ${result.total === 1 ? 'it' : 'them'} today.`}
          </p>
          {result.matches.length > 0 && (
            <ul className="mt-2 divide-y divide-line">
              {result.matches.map((m) => (
                <li key={`${m.jobId}-${m.at}`} className="py-1.5 text-xs" data-testid="preview-match">
                  <a href={`/jobs/${m.jobId}`} className="font-mono text-link hover:underline">
                    {m.jobId.slice(0, 8)}
                  </a>{' '}
                  <Timestamp value={m.at} /> · {m.phase} ·{' '}
                  <span className="font-mono">{m.errorCode ?? '–'}</span>{' '}
                  <span className="font-mono break-all">{m.imageReference ?? ''}</span>
                  {m.otherSignature && (
                    <span className="block text-warn" data-testid="preview-other">
                      today matched by another signature:{' '}
                      {m.otherSignature.likelyCause ?? m.otherSignature.id}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

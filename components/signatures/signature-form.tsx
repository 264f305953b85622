'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { PATTERN_PHASES, signatureCreate, signaturePatch } from '@/lib/schemas/signature';

export interface FormValues {
  tenant_id: string;
  phase: string;
  error_code: string;
  image_pattern: string;
  likely_cause: string;
  mttr_p50_seconds: string;
  mttr_p95_seconds: string;
  suggested_action: string;
  remediation_url: string;
  confidence: string;
  expires_at: string;
  reason: string;
}

const num = (v: string) => (v.trim() === '' ? null : Number(v));
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
      mttr_p50_seconds: num(v.mttr_p50_seconds),
      mttr_p95_seconds: num(v.mttr_p95_seconds),
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
    <span
      role="alert"
      className="mt-0.5 block text-xs text-rose-700 dark:text-rose-400"
      data-testid={`error-${k}`}
    >
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

  const field =
    'mt-1 w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900';
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
      <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3 sm:col-span-2 sm:grid-cols-3 dark:border-slate-800">
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
      <label className="text-sm">
        MTTR p50 (seconds)
        <input
          type="number"
          min={0}
          className={field}
          value={values.mttr_p50_seconds}
          onChange={set('mttr_p50_seconds')}
        />
        <FieldError errors={errors} k="outcome.mttr_p50_seconds" />
      </label>
      <label className="text-sm">
        MTTR p95 (seconds)
        <input
          type="number"
          min={0}
          className={field}
          value={values.mttr_p95_seconds}
          onChange={set('mttr_p95_seconds')}
        />
        <FieldError errors={errors} k="outcome.mttr_p95_seconds" />
      </label>
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
          placeholder="/docs/... or https://..."
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
        <p
          role="alert"
          className="text-sm text-rose-700 sm:col-span-2 dark:text-rose-400"
          data-testid="form-error"
        >
          {formError}
        </p>
      )}
      <div className="sm:col-span-2">
        <button
          type="submit"
          disabled={saving}
          className="rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900"
          data-testid="save-signature"
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

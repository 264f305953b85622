'use client';

import { useState } from 'react';
import { PATTERN_PHASES } from '@/lib/schemas/signature';
import { BUTTON_CLASS, FIELD_BASE_CLASS } from '@/components/ui/input';

interface Result {
  winner: string | null;
  explanations: {
    id: string;
    likelyCause: string;
    confidence: number;
    matches: boolean;
    reasons: string[];
    lastWeekFailedJobs: number;
  }[];
}

/** Which signature would match a failure, why the others would not, and their last-7-days reach. */
export function TryIt({ tenants }: { tenants: { id: string; name: string }[] }) {
  const [form, setForm] = useState({
    tenant_id: tenants[0]?.id ?? '',
    phase: 'fetch',
    error_code: '',
    image_reference: '',
  });
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  async function run(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    const response = await fetch('/api/v1/failure-signatures/match', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...form,
        error_code: form.error_code || null,
        image_reference: form.image_reference || null,
      }),
    });
    const body = await response.json();
    if (!response.ok) setError(body.message ?? `HTTP ${response.status}`);
    else setResult(body as Result);
  }

  const input = `mt-1 ${FIELD_BASE_CLASS}`;
  return (
    <div data-testid="try-it">
      <form onSubmit={run} className="flex flex-wrap items-end gap-2 text-xs">
        <label className="flex flex-col">
          Tenant
          <select className={input} value={form.tenant_id} onChange={set('tenant_id')}>
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          Phase
          <select className={input} value={form.phase} onChange={set('phase')} data-testid="try-phase">
            {PATTERN_PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          Error code
          <input
            className={input}
            value={form.error_code}
            onChange={set('error_code')}
            data-testid="try-error-code"
          />
        </label>
        <label className="flex flex-col">
          Image reference
          <input
            className={`${input} w-64 max-w-full`}
            value={form.image_reference}
            onChange={set('image_reference')}
            data-testid="try-image"
          />
        </label>
        <button type="submit" className={BUTTON_CLASS}>
          Try
        </button>
      </form>
      {error && (
        <p role="alert" className="mt-2 text-sm text-danger">
          {error}
        </p>
      )}
      {result && (
        <table className="mt-3 w-full text-left text-xs" data-testid="try-results">
          <thead className="text-muted">
            <tr>
              <th className="py-1">Signature</th>
              <th>Confidence</th>
              <th>Result</th>
              <th className="text-right">Failed jobs, last 7 days</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {result.explanations.map((e) => (
              <tr
                key={e.id}
                data-winner={e.id === result.winner}
                className={e.id === result.winner ? 'bg-ok-soft' : ''}
              >
                <td className="py-1">{e.likelyCause}</td>
                <td>{e.confidence.toFixed(2)}</td>
                <td>{e.id === result.winner ? <strong>would match</strong> : e.reasons.join(', ')}</td>
                <td className="text-right font-mono">{e.lastWeekFailedJobs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result && !result.winner && (
        <p className="mt-2 text-sm" data-testid="try-no-match">
          No signature would match this failure.
        </p>
      )}
    </div>
  );
}

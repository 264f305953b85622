import 'server-only';
import type { Sql } from 'postgres';
import { invalidateLocally } from '@/lib/cache/lookup-cache';
import { sql } from '@/lib/db';
import { liveFailureMatches } from '@/lib/queries/signals';
import { ApiError } from '@/lib/errors';
import type { Viewer } from '@/lib/auth/roles';
import type {
  MatchRequest,
  SignatureCreate,
  SignatureListFilters,
  SignaturePatch,
  SignaturePattern,
} from '@/lib/schemas/signature';
import { signatureHash } from '@/lib/signatures/hash';

export interface SignatureRow {
  id: string;
  tenantId: string;
  pattern: SignaturePattern;
  outcome: {
    likely_cause?: string;
    mttr_p50_seconds?: number | null;
    mttr_p95_seconds?: number | null;
    suggested_action?: string | null;
    remediation_url?: string | null;
  };
  confidence: number;
  sampleCount: number;
  lastMatchedAt: Date | null;
  enabled: boolean;
  expiresAt: Date | null;
  expired: boolean;
  updatedAt: Date;
  createdAt: Date;
  signatureHash: string;
}

const COLUMNS = sql`id, tenant_id as "tenantId", pattern, outcome, confidence::float8 as confidence,
  sample_count as "sampleCount", last_matched_at as "lastMatchedAt", enabled, expires_at as "expiresAt",
  (expires_at is not null and expires_at <= now()) as expired, updated_at as "updatedAt", created_at as "createdAt",
  signature_hash as "signatureHash"`;

const PAGE_SIZE = 25;

/** The tenant, status and text-search conditions of the signature lists. */
function listFilter(tenantIds: string[], filters: SignatureListFilters) {
  return sql`tenant_id = any(${tenantIds}::uuid[])
    ${filters.status === 'enabled' ? sql`and enabled and (expires_at is null or expires_at > now())` : sql``}
    ${filters.status === 'disabled' ? sql`and not enabled` : sql``}
    ${filters.status === 'expired' ? sql`and expires_at <= now()` : sql``}
    ${filters.q ? sql`and (pattern::text ilike ${'%' + filters.q + '%'} or outcome::text ilike ${'%' + filters.q + '%'})` : sql``}`;
}

export async function listSignatures(
  tenantIds: string[],
  filters: SignatureListFilters = { sort: 'confidence', page: 1 },
) {
  const order = {
    confidence: sql`confidence desc, sample_count desc`,
    samples: sql`sample_count desc, confidence desc`,
    last_matched: sql`last_matched_at desc nulls last`,
    updated: sql`updated_at desc`,
  }[filters.sort];
  const where = listFilter(tenantIds, filters);
  const [rows, [count]] = await Promise.all([
    sql<
      SignatureRow[]
    >`select ${COLUMNS} from scheduler.failure_signatures where ${where} order by ${order}, id limit ${PAGE_SIZE} offset ${(filters.page - 1) * PAGE_SIZE}`,
    sql<[{ n: number }]>`select count(*)::int as n from scheduler.failure_signatures where ${where}`,
  ]);
  return { rows, total: count.n, pageSize: PAGE_SIZE };
}

export async function getSignature(id: string): Promise<SignatureRow | null> {
  const [row] = await sql<
    SignatureRow[]
  >`select ${COLUMNS} from scheduler.failure_signatures where id = ${id}`;
  return row ?? null;
}

export async function regexError(pattern: string): Promise<string | null> {
  const [row] = await sql<[{ error: string | null }]>`select console.regex_error(${pattern}) as error`;
  return row.error;
}

function snapshot(row: SignatureRow | null) {
  if (!row) return null;
  return {
    pattern: row.pattern,
    outcome: row.outcome,
    confidence: row.confidence,
    enabled: row.enabled,
    expires_at: row.expiresAt?.toISOString() ?? null,
  };
}

async function audit(
  db: Sql,
  viewer: Viewer,
  row: { id: string; tenantId: string },
  action: string,
  reason: string | undefined,
  before: unknown,
  after: unknown,
) {
  await db`insert into console.signature_audit (tenant_id, signature_id, actor_id, actor_name, action, reason, before, after)
    values (${row.tenantId}, ${row.id}, ${viewer.id}, ${viewer.name}, ${action}, ${reason ?? null}, ${before === null ? null : db.json(before as never)}, ${after === null ? null : db.json(after as never)})`;
}

function duplicate(error: unknown) {
  if ((error as { code?: string }).code === '23505')
    return new ApiError(
      409,
      'duplicate_pattern',
      'A signature with exactly this pattern already exists for this tenant. Edit that one instead.',
    );
  return error;
}

/**
 * Other instances drop their cached failed jobs on this NOTIFY. On one server a trigger sends it
 * for any writer and this call does nothing; on Citus it is sent from here (db/functions/90_engine.sql).
 * (The writes return through a CTE: Citus allows no now() in a distributed table's RETURNING.)
 */
async function notifySignaturesChanged(tx: Sql) {
  await tx`select scheduler.ttfs_notify_cache('{"failed":"all"}')`;
}

/** Failed jobs cached on this instance show predictions from the signatures: drop them now (others on NOTIFY). */
function changed<T>(result: T): T {
  invalidateLocally({ failed: 'all' });
  return result;
}

export async function createSignature(viewer: Viewer, input: SignatureCreate): Promise<SignatureRow> {
  await assertRegex(input.pattern);
  try {
    return changed(
      await sql.begin(async (tx) => {
        const [row] = await tx<SignatureRow[]>`
        with w as (
          insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, enabled, expires_at)
          values (${input.tenant_id}, ${signatureHash(input.pattern)}, ${tx.json(input.pattern as never)}, ${tx.json(input.outcome as never)},
            ${input.confidence}, ${input.enabled}, ${input.expires_at ?? null})
          returning *)
        select ${COLUMNS} from w`;
        await notifySignaturesChanged(tx as unknown as Sql);
        await audit(tx as unknown as Sql, viewer, row!, 'create', input.reason, null, snapshot(row!));
        return row!;
      }),
    );
  } catch (error) {
    throw duplicate(error);
  }
}

/** 422 with PostgreSQL's own message when it cannot compile the image pattern (the matcher uses its `~`). */
async function assertRegex(pattern: SignaturePattern) {
  if (!pattern.image_pattern) return;
  const error = await regexError(pattern.image_pattern);
  if (error)
    throw ApiError.validation([
      {
        path: 'pattern.image_pattern',
        message: `PostgreSQL cannot compile this regular expression: ${error}`,
      },
    ]);
}

export async function updateSignature(
  viewer: Viewer,
  id: string,
  patch: SignaturePatch,
): Promise<SignatureRow> {
  if (patch.pattern) await assertRegex(patch.pattern);
  try {
    return changed(
      await sql.begin(async (tx) => {
        // Lock the row by its tenant too: Citus locks rows only in a query routed to one shard.
        const [found] = await tx<{ tenant_id: string }[]>`
          select tenant_id from scheduler.failure_signatures where id = ${id}`;
        if (!found) throw ApiError.notFound('signature');
        const [before] = await tx<SignatureRow[]>`
          select ${COLUMNS} from scheduler.failure_signatures where tenant_id = ${found.tenant_id} and id = ${id} for update`;
        if (!before) throw ApiError.notFound('signature');
        const [row] = await tx<SignatureRow[]>`
        with w as (update scheduler.failure_signatures set
          pattern = ${patch.pattern ? tx.json(patch.pattern as never) : tx`pattern`},
          signature_hash = ${patch.pattern ? signatureHash(patch.pattern) : tx`signature_hash`},
          outcome = ${patch.outcome ? tx.json(patch.outcome as never) : tx`outcome`},
          confidence = ${patch.confidence ?? tx`confidence`},
          enabled = ${patch.enabled ?? tx`enabled`},
          expires_at = ${patch.expires_at === undefined ? tx`expires_at` : patch.expires_at},
          signature_version = signature_version + ${patch.pattern ? 1 : 0},
          updated_at = now()
        where tenant_id = ${found.tenant_id} and id = ${id}
        returning *)
        select ${COLUMNS} from w`;
        await notifySignaturesChanged(tx as unknown as Sql);
        const onlyToggle = Object.keys(patch).every((k) => k === 'enabled' || k === 'reason');
        const action =
          onlyToggle && patch.enabled !== undefined ? (patch.enabled ? 'enable' : 'disable') : 'edit';
        await audit(
          tx as unknown as Sql,
          viewer,
          row!,
          action,
          patch.reason,
          snapshot(before),
          snapshot(row!),
        );
        return row!;
      }),
    );
  } catch (error) {
    throw duplicate(error);
  }
}

export async function deleteSignature(
  viewer: Viewer,
  id: string,
  hard: boolean,
  reason?: string,
): Promise<SignatureRow | null> {
  if (!hard) return updateSignature(viewer, id, { enabled: false, reason });
  return changed(
    await sql.begin(async (tx) => {
      const [before] = await tx<
        SignatureRow[]
      >`with w as (delete from scheduler.failure_signatures where id = ${id} returning *) select ${COLUMNS} from w`;
      if (!before) throw ApiError.notFound('signature');
      await notifySignaturesChanged(tx as unknown as Sql);
      await audit(tx as unknown as Sql, viewer, before, 'delete', reason, snapshot(before), null);
      return null;
    }),
  );
}

export interface AuditRow {
  at: Date;
  actorName: string;
  action: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export async function signatureHistory(id: string): Promise<AuditRow[]> {
  return sql<AuditRow[]>`select at, actor_name as "actorName", action, reason, before, after
    from console.signature_audit where signature_id = ${id} order by at desc, id desc limit 100`;
}

export interface Explanation {
  id: string;
  likelyCause: string;
  confidence: number;
  sampleCount: number;
  matches: boolean;
  reasons: string[];
  lastWeekFailedJobs: number;
}

/**
 * Which signature would match these failure facts, and why each other one does
 * not; plus how many of the last 7 days' failed jobs each would have matched.
 */
export async function explainMatch(input: MatchRequest) {
  const [winner] = await sql<{ signature_id: string }[]>`
    select signature_id from scheduler.match_failure_signature(${input.tenant_id}, ${input.phase}, ${input.error_code ?? null}, ${input.image_reference ?? null})`;
  const rows = await sql<
    (Explanation & {
      enabled: boolean;
      expired: boolean;
      phaseOk: boolean;
      codeOk: boolean;
      imageOk: boolean;
    })[]
  >`
    select s.id, s.outcome->>'likely_cause' as "likelyCause", s.confidence::float8 as confidence, s.sample_count as "sampleCount", s.enabled,
      (s.expires_at is not null and s.expires_at <= now()) as expired,
      (s.pattern->>'phase' is null or s.pattern->>'phase' = ${input.phase}) as "phaseOk",
      (s.pattern->>'error_code' is null or s.pattern->>'error_code' = ${input.error_code ?? null}) as "codeOk",
      (s.pattern->>'image_pattern' is null or (${input.image_reference ?? null}::text is not null and console.regex_error(s.pattern->>'image_pattern') is null
        and scheduler.ttfs_image_pattern_safe(s.pattern->>'image_pattern')
        and ${input.image_reference ?? null}::text ~ (s.pattern->>'image_pattern'))) as "imageOk",
      (select count(*)::int from scheduler.first_signal_snapshots f
        where f.tenant_id = s.tenant_id and f.kind = 'failed' and f.updated_at > now() - interval '7 days'
          and (s.pattern->>'phase' is null or s.pattern->>'phase' = f.phase)
          and (s.pattern->>'error_code' is null or s.pattern->>'error_code' = coalesce(f.diagnostics->>'error_code', f.payload_json->>'error_code'))
          and (s.pattern->>'image_pattern' is null or (scheduler.ttfs_image_pattern_safe(s.pattern->>'image_pattern')
            and coalesce(f.diagnostics->>'image_reference', f.payload_json->>'image_reference') ~ (s.pattern->>'image_pattern')))
      ) as "lastWeekFailedJobs"
    from scheduler.failure_signatures s
    where s.tenant_id = ${input.tenant_id}
    order by s.confidence desc, s.sample_count desc
    limit 200`;
  const explanations: Explanation[] = rows.map((r) => {
    const reasons: string[] = [];
    if (!r.enabled) reasons.push('disabled');
    if (r.expired) reasons.push('expired');
    if (!r.phaseOk) reasons.push('phase differs');
    if (!r.codeOk) reasons.push('error code differs');
    if (!r.imageOk) reasons.push('image pattern does not match');
    const matches = reasons.length === 0;
    if (matches && winner && winner.signature_id !== r.id)
      reasons.push('matches, but a signature with higher confidence (or more samples) wins');
    return {
      id: r.id,
      likelyCause: r.likelyCause,
      confidence: r.confidence,
      sampleCount: r.sampleCount,
      matches,
      reasons,
      lastWeekFailedJobs: r.lastWeekFailedJobs,
    };
  });
  return { winner: winner?.signature_id ?? null, explanations };
}

/**
 * Signatures grouped by pattern (signature_hash) for an admin looking at
 * several tenants: a pattern shared by several tenants is one entry with each
 * tenant's signature in it. Pages count groups, not signatures.
 */
export async function listSignatureGroups(
  tenantIds: string[],
  filters: SignatureListFilters = { sort: 'confidence', page: 1 },
) {
  const orders = {
    confidence: ['c desc', 's desc'],
    samples: ['s desc', 'c desc'],
    last_matched: ['lm desc nulls last'],
    updated: ['u desc'],
  }[filters.sort];
  // Inside the group query its output names; outside, the same names of `g`.
  const inner = sql.unsafe(orders.join(', '));
  const outer = sql.unsafe(orders.map((o) => `g.${o}`).join(', '));
  const where = listFilter(tenantIds, filters);
  const [rows, [count]] = await Promise.all([
    sql<SignatureRow[]>`
      with f as (select * from scheduler.failure_signatures where ${where}),
      g as (
        select signature_hash, max(confidence) as c, sum(sample_count) as s, max(last_matched_at) as lm, max(updated_at) as u
        from f group by signature_hash
        order by ${inner}, signature_hash
        limit ${PAGE_SIZE} offset ${(filters.page - 1) * PAGE_SIZE})
      select ${COLUMNS} from f join g using (signature_hash)
      order by ${outer}, signature_hash, confidence desc, tenant_id`,
    sql<
      [{ n: number }]
    >`select count(distinct signature_hash)::int as n from scheduler.failure_signatures where ${where}`,
  ]);
  const groups: SignatureRow[][] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last && last[0]!.signatureHash === row.signatureHash) last.push(row);
    else groups.push([row]);
  }
  return { groups, total: count.n, pageSize: PAGE_SIZE };
}

export interface PreviewMatch {
  jobId: string;
  at: Date;
  phase: string;
  errorCode: string | null;
  imageReference: string | null;
  /** The signature that matches this failure today, when it is another one. */
  otherSignature: { id: string; likelyCause: string | null } | null;
}

/**
 * The failures of the last 7 days (from the phase history) that a pattern
 * would have matched, newest first, and for each the signature that matches
 * it today when that is another one (precedence as match_failure_signature).
 */
export async function previewSignature(input: {
  tenantId: string;
  pattern: SignaturePattern;
  signatureId?: string;
}): Promise<{ total: number; matches: PreviewMatch[]; otherCount: number }> {
  await assertRegex(input.pattern);
  const p = input.pattern;
  const failures = await sql<Omit<PreviewMatch, 'otherSignature'>[]>`
    select h.job_id as "jobId", h.at, h.phase, h.error_code as "errorCode", h.image_reference as "imageReference"
    from scheduler.first_signal_phase_history h
    where h.tenant_id = ${input.tenantId} and h.kind = 'failed' and h.at > now() - interval '7 days'
      ${p.phase ? sql`and h.phase = ${p.phase}` : sql``}
      ${p.error_code ? sql`and h.error_code = ${p.error_code}` : sql``}
      ${p.image_pattern ? sql`and h.image_reference is not null and h.image_reference ~ ${p.image_pattern}` : sql``}
    order by h.at desc`;
  // Which signature matches each failure today: a second query (one call for all of them), so the
  // read above stays a plain one Citus routes to the tenant's shard (docs/scaling.md).
  const live = await liveFailureMatches(
    sql,
    failures.map((f) => ({ ...f, tenantId: input.tenantId })),
  );
  const matches: PreviewMatch[] = failures.map((f, i) => {
    const match = live[i];
    const other =
      match && match.signature_id !== input.signatureId
        ? {
            id: match.signature_id,
            likelyCause: (match.outcome as { likely_cause?: string } | null)?.likely_cause ?? null,
          }
        : null;
    return { ...f, otherSignature: other };
  });
  return {
    total: matches.length,
    otherCount: matches.filter((m) => m.otherSignature !== null).length,
    matches: matches.slice(0, 50),
  };
}

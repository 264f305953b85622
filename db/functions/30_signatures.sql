-- Failure signatures: matching a failed job to the best signature, and counting matches.
-- Applied with CREATE OR REPLACE whenever this file changes (db/migrate.ts).

CREATE OR REPLACE FUNCTION console.regex_error(p text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
  PERFORM '' ~ p;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLERRM;
END $$;

CREATE OR REPLACE FUNCTION scheduler.match_failure_signature(p_tenant_id uuid, p_phase text, p_error_code text, p_image_reference text DEFAULT NULL::text) RETURNS TABLE(signature_id uuid, outcome jsonb, confidence numeric)
    LANGUAGE sql STABLE
    AS $$
SELECT fs.id, fs.outcome, fs.confidence
FROM (
  SELECT * FROM scheduler.failure_signatures c
  WHERE c.tenant_id = p_tenant_id AND c.enabled = TRUE AND (c.pattern->>'error_code') = p_error_code
  UNION ALL
  SELECT * FROM scheduler.failure_signatures c
  WHERE c.tenant_id = p_tenant_id AND c.enabled = TRUE AND (c.pattern->>'error_code') IS NULL
) fs
WHERE (fs.expires_at IS NULL OR fs.expires_at > NOW())
AND (fs.pattern->>'phase' IS NULL OR fs.pattern->>'phase' = p_phase)
AND (
fs.pattern->>'image_pattern' IS NULL
OR (p_image_reference IS NOT NULL AND p_image_reference ~ (fs.pattern->>'image_pattern'))
)
ORDER BY fs.confidence DESC, fs.sample_count DESC
LIMIT 1
$$;

COMMENT ON FUNCTION scheduler.match_failure_signature(p_tenant_id uuid, p_phase text, p_error_code text, p_image_reference text) IS 'Find best matching failure signature for predictive outcome';

CREATE OR REPLACE FUNCTION scheduler.first_signal_failure_match() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
  m RECORD;
BEGIN
  IF NEW.kind <> 'failed' THEN
    -- A retried job is no longer failed: its old match no longer applies.
    IF NEW.payload_json ? 'failure_match' THEN NEW.payload_json := NEW.payload_json - 'failure_match'; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.kind = 'failed' AND OLD.phase = NEW.phase
     AND OLD.diagnostics IS NOT DISTINCT FROM NEW.diagnostics AND OLD.payload_json ? 'failure_match' THEN
    RETURN NEW; -- the same failure written again: already matched
  END IF;
  SELECT * INTO m FROM scheduler.match_failure_signature(
    NEW.tenant_id, NEW.phase,
    coalesce(NEW.diagnostics->>'error_code', NEW.payload_json->>'error_code'),
    coalesce(NEW.diagnostics->>'image_reference', NEW.payload_json->>'image_reference'));
  IF FOUND THEN
    NEW.payload_json := coalesce(NEW.payload_json, '{}'::jsonb) || jsonb_build_object('failure_match',
      coalesce(m.outcome, '{}'::jsonb) || jsonb_build_object('signature_id', m.signature_id, 'confidence', m.confidence, 'matched', true, 'matched_at', now()));
  ELSE
    NEW.payload_json := coalesce(NEW.payload_json, '{}'::jsonb) || jsonb_build_object('failure_match', jsonb_build_object('matched', false, 'matched_at', now()));
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION scheduler.first_signal_failure_count() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NEW.payload_json->'failure_match'->>'signature_id' IS NOT NULL
     AND (TG_OP = 'INSERT' OR (OLD.payload_json->'failure_match') IS DISTINCT FROM (NEW.payload_json->'failure_match')) THEN
    UPDATE scheduler.failure_signatures SET sample_count = sample_count + 1, last_matched_at = now()
    WHERE tenant_id = NEW.tenant_id AND id = (NEW.payload_json->'failure_match'->>'signature_id')::uuid;
  END IF;
  RETURN NULL;
END $$;

-- The signature that matches each failed job now (an admin may have disabled, edited or added
-- signatures since the failure was recorded), with that signature's expiry: the lookups' live
-- match. One call per batch of failed jobs; each match reads one tenant's signatures only.
CREATE OR REPLACE FUNCTION scheduler.ttfs_live_failure_matches(p_job_ids uuid[], p_tenant_ids uuid[], p_phases text[],
    p_error_codes text[], p_image_references text[])
    RETURNS TABLE(job_id uuid, live_match jsonb)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  m RECORD;
  v_expires TIMESTAMPTZ;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_job_ids, 1), 0) LOOP
    job_id := p_job_ids[i];
    live_match := NULL;
    SELECT * INTO m FROM scheduler.match_failure_signature(p_tenant_ids[i], p_phases[i], p_error_codes[i], p_image_references[i]);
    IF FOUND THEN
      SELECT fs.expires_at INTO v_expires FROM scheduler.failure_signatures fs
      WHERE fs.tenant_id = p_tenant_ids[i] AND fs.id = m.signature_id;
      live_match := jsonb_build_object('signature_id', m.signature_id, 'outcome', m.outcome, 'confidence', m.confidence,
        'expires_at', v_expires);
    END IF;
    RETURN NEXT;
  END LOOP;
END $$;

-- Failure signature image patterns PostgreSQL can match in bounded time. Applies the rules of
-- lib/signatures/pattern-safety.ts (kept identical; tests check both against the same cases): no
-- back-references, no embedded options b/e/x or ***: director, at most 1024 atoms and 32
-- open-ended repetitions once bounded repetitions are expanded. NULL (no image pattern) is safe.
-- Used by the CHECK constraint failure_signatures_image_pattern_bounded, so on Citus it runs on
-- the workers too (90_engine.sql registers every function of the schema there).
CREATE OR REPLACE FUNCTION scheduler.ttfs_image_pattern_safe(p TEXT) RETURNS BOOLEAN
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  n INT;
  i INT := 1;
  c TEXT;
  opts TEXT;
  b TEXT[];
  weights INT[] := ARRAY[0];
  stars INT[] := ARRAY[0];
  depth INT := 1;
  last_w INT := NULL;
  last_s INT := NULL;
  gw INT;
  gs INT;
  lo INT;
  hi INT;
  copies INT;
  close_at INT;
BEGIN
  IF p IS NULL THEN RETURN TRUE; END IF;
  n := length(p);
  IF left(p, 4) = '***=' THEN RETURN TRUE; END IF;
  IF left(p, 3) = '***' THEN RETURN FALSE; END IF;
  opts := substring(p from '^\(\?([a-z]*)\)');
  IF opts IS NOT NULL THEN
    IF opts ~ '[bex]' THEN RETURN FALSE; END IF;
    IF position('q' in opts) > 0 THEN RETURN TRUE; END IF;
    i := length(opts) + 4;
  END IF;
  WHILE i <= n LOOP
    c := substr(p, i, 1);
    IF c = '\' THEN
      IF substr(p, i + 1, 1) ~ '^[1-9]$' THEN RETURN FALSE; END IF;
      i := i + 2;
      last_w := 1; last_s := 0;
      weights[depth] := weights[depth] + 1;
    ELSIF c = '[' THEN
      i := i + 1;
      IF substr(p, i, 1) = '^' THEN i := i + 1; END IF;
      IF substr(p, i, 1) = ']' THEN i := i + 1; END IF;
      WHILE i <= n AND substr(p, i, 1) <> ']' LOOP
        IF substr(p, i, 1) = '\' THEN
          i := i + 2;
        ELSIF substr(p, i, 1) = '[' AND substr(p, i + 1, 1) IN (':', '.', '=') THEN
          close_at := position(substr(p, i + 1, 1) || ']' in substr(p, i + 2));
          IF close_at = 0 THEN i := n + 1; ELSE i := i + 2 + close_at + 1; END IF;
        ELSE
          i := i + 1;
        END IF;
      END LOOP;
      i := i + 1;
      last_w := 1; last_s := 0;
      weights[depth] := weights[depth] + 1;
    ELSIF c = '(' THEN
      depth := depth + 1;
      weights[depth] := 0;
      stars[depth] := 0;
      IF substr(p, i + 1, 1) = '?' THEN
        i := i + CASE WHEN substr(p, i + 2, 1) = '<' THEN 4 ELSE 3 END;
      ELSE
        i := i + 1;
      END IF;
      last_w := NULL; last_s := NULL;
    ELSIF c = ')' THEN
      IF depth > 1 THEN
        gw := weights[depth]; gs := stars[depth];
        depth := depth - 1;
      ELSE
        gw := 0; gs := 0;
      END IF;
      weights[depth] := weights[depth] + gw;
      stars[depth] := stars[depth] + gs;
      last_w := gw; last_s := gs;
      i := i + 1;
    ELSIF c IN ('*', '+', '?', '{') THEN
      b := NULL;
      IF c = '{' THEN
        b := regexp_match(substr(p, i), '^\{(\d{1,4})(,(\d{0,4}))?\}');
        IF b IS NULL THEN
          last_w := 1; last_s := 0;
          weights[depth] := weights[depth] + 1;
          i := i + 1;
          CONTINUE;
        END IF;
      END IF;
      IF last_w IS NOT NULL THEN
        IF b IS NOT NULL THEN
          lo := b[1]::INT;
          hi := CASE WHEN b[2] IS NULL OR b[3] = '' THEN lo ELSE b[3]::INT END;
          copies := greatest(lo, hi, 1);
          weights[depth] := weights[depth] + last_w * (copies - 1);
          stars[depth] := stars[depth] + last_s * (copies - 1);
          IF b[2] IS NOT NULL AND b[3] = '' THEN stars[depth] := stars[depth] + 1; END IF;
        ELSIF c <> '?' THEN
          stars[depth] := stars[depth] + 1;
        END IF;
      END IF;
      i := i + CASE WHEN b IS NOT NULL THEN length('{' || b[1] || coalesce(b[2], '') || '}') ELSE 1 END;
      IF substr(p, i, 1) = '?' THEN i := i + 1; END IF;
      last_w := NULL; last_s := NULL;
      IF weights[depth] > 1024 OR stars[depth] > 32 THEN RETURN FALSE; END IF;
    ELSE
      last_w := 1; last_s := 0;
      weights[depth] := weights[depth] + 1;
      i := i + 1;
    END IF;
  END LOOP;
  gw := 0; gs := 0;
  FOR k IN 1..depth LOOP
    gw := gw + weights[k];
    gs := gs + stars[k];
  END LOOP;
  RETURN gw <= 1024 AND gs <= 32;
END $$;

COMMENT ON FUNCTION scheduler.ttfs_image_pattern_safe IS 'Whether PostgreSQL matches this failure signature image pattern in bounded time';

-- Adds the CHECK constraint failure_signatures_image_pattern_bounded when it is missing (a
-- database made before it existed): enabled signatures whose pattern is not safe are disabled
-- first, each with an audit entry saying why. Matching skips disabled signatures, and the
-- constraint keeps them from being enabled again until the pattern is changed. Called from
-- 95_constraints.sql, after the engine module: the constraint calls ttfs_image_pattern_safe,
-- which must exist before (and, on Citus, on every node). One row at a time, each statement
-- naming its tenant, so it runs the same on both engines.
CREATE OR REPLACE FUNCTION scheduler.ttfs_bound_image_patterns() RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
  s RECORD;
  disabled integer := 0;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint
             WHERE conrelid = 'scheduler.failure_signatures'::regclass
               AND conname = 'failure_signatures_image_pattern_bounded') THEN
    RETURN 0;
  END IF;
  FOR s IN SELECT fs.id, fs.tenant_id, fs.pattern FROM scheduler.failure_signatures fs WHERE fs.enabled LOOP
    CONTINUE WHEN scheduler.ttfs_image_pattern_safe(s.pattern->>'image_pattern');
    UPDATE scheduler.failure_signatures SET enabled = FALSE, updated_at = NOW()
    WHERE tenant_id = s.tenant_id AND id = s.id;
    INSERT INTO console.signature_audit (tenant_id, signature_id, actor_id, actor_name, action, reason, before, after)
    VALUES (s.tenant_id, s.id, 'migration', 'Console upgrade', 'disable',
      'The image pattern cannot be matched in bounded time (back-references or too much repetition); fix it before enabling again.',
      jsonb_build_object('enabled', true, 'pattern', s.pattern), jsonb_build_object('enabled', false));
    disabled := disabled + 1;
  END LOOP;
  IF disabled > 0 THEN
    PERFORM scheduler.ttfs_notify_cache('{"failed":"all"}');
  END IF;
  ALTER TABLE scheduler.failure_signatures ADD CONSTRAINT failure_signatures_image_pattern_bounded
    CHECK (NOT enabled OR scheduler.ttfs_image_pattern_safe(pattern->>'image_pattern'));
  RETURN disabled;
END $$;

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

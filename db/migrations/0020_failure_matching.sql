-- 0020: match failure signatures when a snapshot turns `failed`, whatever path
-- wrote it (the PUT API or scheduler.upsert_first_signal_snapshot directly).
-- The match is recorded on the snapshot (payload_json.failure_match) and on the
-- signature (sample_count + 1, last_matched_at). Error code and image reference
-- come from diagnostics.error_code / diagnostics.image_reference, falling back
-- to the same keys in payload_json.

CREATE OR REPLACE FUNCTION scheduler.first_signal_failure_match() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
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

DROP TRIGGER IF EXISTS first_signal_failure_match ON scheduler.first_signal_snapshots;
CREATE TRIGGER first_signal_failure_match
  BEFORE INSERT OR UPDATE ON scheduler.first_signal_snapshots
  FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_match();

-- The match is counted once the row is really written: an upsert also fires
-- BEFORE INSERT for the row it then updates, so counting there would count twice.
CREATE OR REPLACE FUNCTION scheduler.first_signal_failure_count() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.payload_json->'failure_match'->>'signature_id' IS NOT NULL
     AND (TG_OP = 'INSERT' OR (OLD.payload_json->'failure_match') IS DISTINCT FROM (NEW.payload_json->'failure_match')) THEN
    UPDATE scheduler.failure_signatures SET sample_count = sample_count + 1, last_matched_at = now()
    WHERE id = (NEW.payload_json->'failure_match'->>'signature_id')::uuid;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS first_signal_failure_count ON scheduler.first_signal_snapshots;
CREATE TRIGGER first_signal_failure_count
  AFTER INSERT OR UPDATE ON scheduler.first_signal_snapshots
  FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_count();

-- Candidates by error code through an index instead of scanning every enabled
-- signature of the tenant; same name, arguments, result and precedence.
CREATE INDEX IF NOT EXISTS idx_failure_signatures_tenant_error_code
  ON scheduler.failure_signatures (tenant_id, (pattern->>'error_code'))
  WHERE enabled = TRUE;

CREATE OR REPLACE FUNCTION scheduler.match_failure_signature(
p_tenant_id UUID,
p_phase TEXT,
p_error_code TEXT,
p_image_reference TEXT DEFAULT NULL
)
RETURNS TABLE (
signature_id UUID,
outcome JSONB,
confidence NUMERIC
) AS $$
BEGIN
RETURN QUERY
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
LIMIT 1;
END;
$$ LANGUAGE plpgsql STABLE;

COMMENT ON FUNCTION scheduler.match_failure_signature IS 'Find best matching failure signature for predictive outcome';

-- Failed snapshots that exist already get their match once.
UPDATE scheduler.first_signal_snapshots SET diagnostics = diagnostics WHERE kind = 'failed' AND NOT payload_json ? 'failure_match';

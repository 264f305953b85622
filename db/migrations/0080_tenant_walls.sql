-- 0080: failure signature image patterns PostgreSQL can match in bounded time.
-- scheduler.ttfs_image_pattern_safe(pattern) applies the rules of
-- lib/signatures/pattern-safety.ts (kept identical; tests check both against
-- the same cases): no back-references, no embedded options b/e/x or ***:
-- director, at most 1024 atoms and 32 open-ended repetitions once bounded
-- repetitions are expanded. NULL (no image pattern) is safe.
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

-- Enabled signatures whose pattern is not safe are disabled, with an audit
-- entry saying why: matching skips disabled signatures, and the check below
-- keeps them from being enabled again until the pattern is changed.
WITH unsafe AS (
  UPDATE scheduler.failure_signatures SET enabled = FALSE, updated_at = NOW()
  WHERE enabled AND NOT scheduler.ttfs_image_pattern_safe(pattern->>'image_pattern')
  RETURNING id, tenant_id, pattern
)
INSERT INTO console.signature_audit (tenant_id, signature_id, actor_id, actor_name, action, reason, before, after)
SELECT tenant_id, id, 'migration', 'Console upgrade', 'disable',
  'The image pattern cannot be matched in bounded time (back-references or too much repetition); fix it before enabling again.',
  jsonb_build_object('enabled', true, 'pattern', pattern), jsonb_build_object('enabled', false)
FROM unsafe;

ALTER TABLE scheduler.failure_signatures DROP CONSTRAINT IF EXISTS failure_signatures_image_pattern_bounded;
ALTER TABLE scheduler.failure_signatures ADD CONSTRAINT failure_signatures_image_pattern_bounded
  CHECK (NOT enabled OR scheduler.ttfs_image_pattern_safe(pattern->>'image_pattern'));

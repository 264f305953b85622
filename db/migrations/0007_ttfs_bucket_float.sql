-- 0007: the histogram bucket of a value in float8 arithmetic. 0003 divided by a
-- numeric literal, so every ingested event paid for a numeric ln() (about 3 us
-- per row in the insert trigger, a tenth of an event's whole database cost).
-- The buckets are the same: ceil(ln(ms/100)/ln(1.02)) never lands within
-- float8 rounding of an integer for an integer ms (tests/integration/
-- telemetry-rollups.test.ts compares both forms over 1..10,000,000 ms).
CREATE OR REPLACE FUNCTION scheduler.ttfs_bucket(ms INT) RETURNS INT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ms <= 100 THEN ms ELSE 100 + ceil(ln(ms / 100.0::float8) / ln(1.02::float8))::int END
$$;

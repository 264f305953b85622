-- The engine module: everything that differs between one PostgreSQL server and a Citus
-- coordinator is here, decided by whether the `citus` extension is present (docs/scaling.md).
--
-- One server: statement-level triggers with transition tables stage the rollup deltas and NOTIFY
-- ttfs_cache_invalidate for any writer; scheduler.ttfs_notify_cache does nothing.
--
-- Citus: tenant-scoped tables are distributed by tenant_id, co-located with ttfs_events; the
-- small shared tables are reference tables. Statement triggers cannot run on distributed tables
-- and a NOTIFY on a worker never reaches the coordinator where the app listens, so:
--   * rollup deltas and failure matching are row-level triggers, run on the worker holding the
--     shard (citus.enable_unsafe_triggers), touching only co-located shards of the same tenant;
--   * cache invalidation is sent by the writers on the coordinator, through
--     scheduler.ttfs_notify_cache (upsert_first_signal_snapshot, and the console's own writes of
--     signatures, tokens and retention).
--
-- Applied with the other function files whenever one changes; every step is idempotent. A new
-- tenant-scoped table goes into `distributed` below, a new shared table into `reference`.

CREATE OR REPLACE FUNCTION scheduler.ttfs_engine() RETURNS text
    LANGUAGE sql STABLE
    AS $$
  SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN 'citus' ELSE 'postgres' END
$$;

-- Size on disk of a table with its indexes and TOAST, for the retention page. On Citus a
-- distributed or reference table's rows live in shards on the workers: the coordinator's own
-- relation is an empty shell, so the size is Citus's sum over the shards.
CREATE OR REPLACE FUNCTION scheduler.ttfs_table_size(p_table regclass) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  size bigint;
BEGIN
  IF scheduler.ttfs_engine() = 'citus' THEN
    EXECUTE 'SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = $1)
               THEN citus_total_relation_size($1) ELSE pg_total_relation_size($1) END'
      INTO size USING p_table;
    RETURN size;
  END IF;
  RETURN pg_total_relation_size(p_table);
END $$;

DO $engine$
DECLARE
  -- Shared tables that distributed ones reference or join. console.rate_limits, oidc_logins and
  -- retention_runs stay plain tables on the coordinator: written on every request or by one job,
  -- joined with nothing distributed.
  reference text[] := ARRAY['console.tenants', 'console.users', 'console.user_tenants', 'console.sessions',
    'console.personal_tokens', 'scheduler.ttfs_summary_hourly'];
  distributed text[] := ARRAY['scheduler.ttfs_events', 'scheduler.runs', 'scheduler.first_signal_snapshots',
    'scheduler.failure_signatures', 'scheduler.ttfs_rollup_cells', 'scheduler.ttfs_rollup_cells_delta',
    'scheduler.ttfs_rollup_buckets', 'scheduler.ttfs_rollup_histogram_delta', 'scheduler.ttfs_rollup_cells_daily',
    'scheduler.ttfs_rollup_buckets_daily', 'scheduler.ttfs_rollup_quantiles', 'scheduler.ttfs_summary_daily',
    'scheduler.ttfs_release_first_seen', 'scheduler.first_signal_phase_history', 'console.api_tokens',
    'console.signature_audit'];
  t text;
  f record;
BEGIN
  IF scheduler.ttfs_engine() = 'postgres' THEN
    CREATE OR REPLACE FUNCTION scheduler.ttfs_notify_cache(p_message text) RETURNS void
        LANGUAGE plpgsql
        AS $f$
    BEGIN
      -- One server: the cache triggers below already NOTIFY for every writer.
    END $f$;

    CREATE OR REPLACE TRIGGER ttfs_events_rollup AFTER INSERT ON scheduler.ttfs_events
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_rollup_trigger();
    CREATE OR REPLACE TRIGGER ttfs_events_rollup_truncate AFTER TRUNCATE ON scheduler.ttfs_events
      FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_truncate_trigger();
    CREATE OR REPLACE TRIGGER first_signal_failure_match BEFORE INSERT OR UPDATE ON scheduler.first_signal_snapshots
      FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_match();
    CREATE OR REPLACE TRIGGER first_signal_failure_count AFTER INSERT OR UPDATE ON scheduler.first_signal_snapshots
      FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_count();
    CREATE OR REPLACE TRIGGER ttfs_snapshot_cache_update AFTER UPDATE ON scheduler.first_signal_snapshots
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_cache_notify();
    CREATE OR REPLACE TRIGGER ttfs_snapshot_cache_delete AFTER DELETE ON scheduler.first_signal_snapshots
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_cache_notify();
    CREATE OR REPLACE TRIGGER ttfs_snapshot_cache_insert AFTER INSERT ON scheduler.first_signal_snapshots
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_insert_notify();
    CREATE OR REPLACE TRIGGER ttfs_snapshot_cache_truncate AFTER TRUNCATE ON scheduler.first_signal_snapshots
      FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"jobs":"all"}');
    CREATE OR REPLACE TRIGGER failure_signature_cache_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON scheduler.failure_signatures
      FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"failed":"all"}');
    -- An expiry decides who a token is, like a revocation.
    CREATE OR REPLACE TRIGGER api_token_cache_change AFTER DELETE OR UPDATE OF revoked_at, scopes, tenant_id, token_hash, expires_at OR TRUNCATE ON console.api_tokens
      FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"tokens":"all"}');
    CREATE OR REPLACE TRIGGER personal_token_cache_change AFTER DELETE OR UPDATE OF revoked_at, scopes, owner_user_id, token_hash, expires_at OR TRUNCATE ON console.personal_tokens
      FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"tokens":"all"}');
    -- A personal token carries its owner's role and tenants: a change of either is a change of the token.
    CREATE OR REPLACE TRIGGER user_token_cache_change AFTER DELETE OR UPDATE OF role, disabled_at, all_tenants OR TRUNCATE ON console.users
      FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"tokens":"all"}');
    CREATE OR REPLACE TRIGGER user_tenant_token_cache_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON console.user_tenants
      FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"tokens":"all"}');
    RETURN;
  END IF;

  -- Citus coordinator.
  PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);

  CREATE OR REPLACE FUNCTION scheduler.ttfs_notify_cache(p_message text) RETURNS void
      LANGUAGE sql
      AS $f$ SELECT pg_notify('ttfs_cache_invalidate', p_message) $f$;

  -- Triggers of one server on tables that are distributed or reference tables here: the writers
  -- send these messages on Citus.
  DROP TRIGGER IF EXISTS ttfs_snapshot_cache_insert ON scheduler.first_signal_snapshots;
  DROP TRIGGER IF EXISTS personal_token_cache_change ON console.personal_tokens;
  DROP TRIGGER IF EXISTS user_token_cache_change ON console.users;
  DROP TRIGGER IF EXISTS user_tenant_token_cache_change ON console.user_tenants;

  FOREACH t IN ARRAY reference LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass AND repmodel = 't') THEN
      PERFORM create_reference_table(t);
    END IF;
  END LOOP;

  IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'scheduler.ttfs_events'::regclass AND partmethod = 'h') THEN
    -- A table with triggers cannot be distributed: drop the one-server triggers (this block
    -- creates the row-level ones again below).
    DROP TRIGGER IF EXISTS ttfs_events_rollup ON scheduler.ttfs_events;
    DROP TRIGGER IF EXISTS ttfs_events_rollup_truncate ON scheduler.ttfs_events;
    DROP TRIGGER IF EXISTS first_signal_failure_match ON scheduler.first_signal_snapshots;
    DROP TRIGGER IF EXISTS first_signal_failure_count ON scheduler.first_signal_snapshots;
    DROP TRIGGER IF EXISTS ttfs_snapshot_cache_update ON scheduler.first_signal_snapshots;
    DROP TRIGGER IF EXISTS ttfs_snapshot_cache_delete ON scheduler.first_signal_snapshots;
    DROP TRIGGER IF EXISTS ttfs_snapshot_cache_truncate ON scheduler.first_signal_snapshots;
    DROP TRIGGER IF EXISTS failure_signature_cache_change ON scheduler.failure_signatures;
    DROP TRIGGER IF EXISTS api_token_cache_change ON console.api_tokens;
    -- Every primary or unique key of a distributed table must contain tenant_id.
    ALTER TABLE scheduler.first_signal_snapshots DROP CONSTRAINT IF EXISTS first_signal_snapshots_run_id_fkey;
    ALTER TABLE scheduler.runs DROP CONSTRAINT runs_pkey;
    ALTER TABLE scheduler.runs ADD CONSTRAINT runs_pkey PRIMARY KEY (tenant_id, id);
    ALTER TABLE scheduler.first_signal_snapshots DROP CONSTRAINT first_signal_snapshots_pkey;
    ALTER TABLE scheduler.first_signal_snapshots ADD CONSTRAINT first_signal_snapshots_pkey PRIMARY KEY (tenant_id, job_id);
    ALTER TABLE scheduler.ttfs_events DROP CONSTRAINT ttfs_events_pkey;
    ALTER TABLE scheduler.ttfs_events ADD CONSTRAINT ttfs_events_pkey PRIMARY KEY (tenant_id, id);
    ALTER TABLE scheduler.failure_signatures DROP CONSTRAINT failure_signatures_pkey;
    ALTER TABLE scheduler.failure_signatures ADD CONSTRAINT failure_signatures_pkey PRIMARY KEY (tenant_id, id);
    ALTER TABLE console.api_tokens DROP CONSTRAINT api_tokens_pkey;
    ALTER TABLE console.api_tokens ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (tenant_id, id);
    ALTER TABLE console.api_tokens DROP CONSTRAINT api_tokens_token_hash_key;
    ALTER TABLE console.api_tokens ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (tenant_id, token_hash);
    PERFORM create_distributed_table('scheduler.ttfs_events', 'tenant_id');
  END IF;

  FOREACH t IN ARRAY distributed LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass AND partmethod = 'h') THEN
      PERFORM create_distributed_table(t, 'tenant_id', colocate_with => 'scheduler.ttfs_events');
    END IF;
  END LOOP;

  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'first_signal_snapshots_run_id_fkey') THEN
    ALTER TABLE scheduler.first_signal_snapshots ADD CONSTRAINT first_signal_snapshots_run_id_fkey
      FOREIGN KEY (tenant_id, run_id) REFERENCES scheduler.runs (tenant_id, id);
  END IF;

  -- SQL-language functions that read tables are inlined into the queries that call them on one
  -- server. Citus cannot plan a SQL function over distributed tables called with parameters, so
  -- here each is created again with the same query as PL/pgSQL (RETURN QUERY, or the statements
  -- as they are for a void function): the text comes from its definition in this directory.
  FOR f IN
    SELECT p.oid, p.proretset, p.prorettype = 'void'::regtype AS is_void, pg_get_functiondef(p.oid) AS def, p.prosrc
    FROM pg_proc p
    WHERE p.pronamespace = 'scheduler'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')
      AND p.prosrc ~* '(from|into|join)\s+scheduler\.'
  LOOP
    EXECUTE replace(
      replace(f.def, ' LANGUAGE sql', ' LANGUAGE plpgsql'),
      f.prosrc,
      E'\n#variable_conflict use_column\nBEGIN\n'
        || CASE WHEN f.is_void THEN '' WHEN f.proretset THEN 'RETURN QUERY ' ELSE 'RETURN (' END
        || rtrim(f.prosrc, E' \n;')
        || CASE WHEN f.is_void OR f.proretset THEN '' ELSE ')' END
        || E';\nEND\n');
  END LOOP;

  -- Triggers run on the workers: every function of the schema must exist there too. Functions
  -- made before their tables were distributed are local to the coordinator until registered.
  PERFORM create_distributed_function(p.oid::regprocedure)
  FROM pg_proc p
  WHERE p.pronamespace IN ('scheduler'::regnamespace, 'console'::regnamespace)
    AND NOT EXISTS (SELECT 1 FROM pg_dist_object o WHERE o.classid = 'pg_proc'::regclass AND o.objid = p.oid);

  CREATE OR REPLACE TRIGGER ttfs_events_rollup AFTER INSERT ON scheduler.ttfs_events
    FOR EACH ROW EXECUTE FUNCTION scheduler.ttfs_events_rollup_row_trigger();
  CREATE OR REPLACE TRIGGER first_signal_failure_match BEFORE INSERT OR UPDATE ON scheduler.first_signal_snapshots
    FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_match();
  CREATE OR REPLACE TRIGGER first_signal_failure_count AFTER INSERT OR UPDATE ON scheduler.first_signal_snapshots
    FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_count();
END $engine$;

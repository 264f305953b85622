-- The schema as one baseline: the seed's tables first (scheduler.runs, first_signal_snapshots,
-- ttfs_events, failure_signatures), then the rollup, console and auth tables. Tables, sequences,
-- keys and indexes only: functions, views and triggers live in db/functions/*.sql.
-- Never edit this file: add a numbered migration after it (docs/database.md).

CREATE SCHEMA console;

CREATE SCHEMA scheduler;

-- scheduler.runs
CREATE TABLE scheduler.runs (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY scheduler.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (id);

-- scheduler.first_signal_snapshots
CREATE TABLE scheduler.first_signal_snapshots (
    job_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    run_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    kind text NOT NULL,
    phase text NOT NULL,
    summary text NOT NULL,
    eta_seconds integer,
    last_known_outcome jsonb,
    next_actions jsonb,
    diagnostics jsonb DEFAULT '{}'::jsonb NOT NULL,
    payload_json jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT first_signal_snapshots_kind_check CHECK ((kind = ANY (ARRAY['queued'::text, 'started'::text, 'phase'::text, 'blocked'::text, 'failed'::text, 'succeeded'::text, 'canceled'::text, 'unavailable'::text]))),
    CONSTRAINT first_signal_snapshots_phase_check CHECK ((phase = ANY (ARRAY['resolve'::text, 'fetch'::text, 'restore'::text, 'analyze'::text, 'policy'::text, 'report'::text, 'unknown'::text])))
);

COMMENT ON TABLE scheduler.first_signal_snapshots IS 'Cached first-signal state for jobs, enabling sub-second TTFS lookups';

COMMENT ON COLUMN scheduler.first_signal_snapshots.kind IS 'Current signal kind: queued, started, phase, blocked, failed, succeeded, canceled, unavailable';

COMMENT ON COLUMN scheduler.first_signal_snapshots.phase IS 'Current execution phase: resolve, fetch, restore, analyze, policy, report, unknown';

COMMENT ON COLUMN scheduler.first_signal_snapshots.eta_seconds IS 'Estimated seconds until completion, null if unknown';

COMMENT ON COLUMN scheduler.first_signal_snapshots.last_known_outcome IS 'Previous run outcome for predictive context';

COMMENT ON COLUMN scheduler.first_signal_snapshots.next_actions IS 'Suggested user actions with labels and hrefs';

ALTER TABLE ONLY scheduler.first_signal_snapshots
    ADD CONSTRAINT first_signal_snapshots_pkey PRIMARY KEY (job_id);

CREATE INDEX idx_first_signal_snapshots_kind ON scheduler.first_signal_snapshots USING btree (kind);

CREATE INDEX idx_first_signal_snapshots_run ON scheduler.first_signal_snapshots USING btree (run_id);

CREATE INDEX idx_first_signal_snapshots_tenant ON scheduler.first_signal_snapshots USING btree (tenant_id);

CREATE INDEX idx_first_signal_snapshots_tenant_kind ON scheduler.first_signal_snapshots USING btree (tenant_id, kind);

CREATE INDEX idx_first_signal_snapshots_updated ON scheduler.first_signal_snapshots USING btree (updated_at DESC);

-- scheduler.ttfs_events
CREATE TABLE scheduler.ttfs_events (
    id bigint NOT NULL,
    ts timestamp with time zone DEFAULT now() NOT NULL,
    tenant_id uuid NOT NULL,
    job_id uuid NOT NULL,
    run_id uuid,
    surface text NOT NULL,
    event_type text NOT NULL,
    ttfs_ms integer NOT NULL,
    cache_hit boolean DEFAULT false NOT NULL,
    signal_source text,
    kind text,
    phase text,
    network_state text,
    device text,
    release text,
    correlation_id text,
    trace_id text,
    span_id text,
    error_code text,
    error_message text,
    metadata jsonb DEFAULT '{}'::jsonb,
    event_id uuid,
    CONSTRAINT ttfs_events_event_type_check CHECK ((event_type = ANY (ARRAY['signal.start'::text, 'signal.rendered'::text, 'signal.timeout'::text, 'signal.error'::text, 'signal.cache_hit'::text, 'signal.cold_start'::text]))),
    CONSTRAINT ttfs_events_kind_check CHECK ((kind = ANY (ARRAY['queued'::text, 'started'::text, 'phase'::text, 'blocked'::text, 'failed'::text, 'succeeded'::text, 'canceled'::text, 'unavailable'::text]))),
    CONSTRAINT ttfs_events_phase_check CHECK ((phase = ANY (ARRAY['resolve'::text, 'fetch'::text, 'restore'::text, 'analyze'::text, 'policy'::text, 'report'::text, 'unknown'::text]))),
    CONSTRAINT ttfs_events_signal_source_check CHECK ((signal_source = ANY (ARRAY['snapshot'::text, 'cold_start'::text, 'failure_index'::text]))),
    CONSTRAINT ttfs_events_surface_check CHECK ((surface = ANY (ARRAY['ui'::text, 'cli'::text, 'ci'::text])))
);

COMMENT ON TABLE scheduler.ttfs_events IS 'Telemetry events for Time-to-First-Signal metrics and SLO tracking';

COMMENT ON COLUMN scheduler.ttfs_events.event_type IS 'Type of TTFS event: start, rendered, timeout, error, cache_hit, cold_start';

COMMENT ON COLUMN scheduler.ttfs_events.ttfs_ms IS 'Time-to-first-signal in milliseconds';

COMMENT ON COLUMN scheduler.ttfs_events.signal_source IS 'Source of signal: snapshot (cache), cold_start (computed), failure_index (predicted)';

CREATE SEQUENCE scheduler.ttfs_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE scheduler.ttfs_events_id_seq OWNED BY scheduler.ttfs_events.id;

ALTER TABLE ONLY scheduler.ttfs_events ALTER COLUMN id SET DEFAULT nextval('scheduler.ttfs_events_id_seq'::regclass);

ALTER TABLE ONLY scheduler.ttfs_events
    ADD CONSTRAINT ttfs_events_pkey PRIMARY KEY (id);

CREATE INDEX brin_ttfs_events_ts ON scheduler.ttfs_events USING brin (ts);

CREATE INDEX idx_ttfs_events_job ON scheduler.ttfs_events USING hash (job_id);

CREATE INDEX idx_ttfs_events_tenant_ts ON scheduler.ttfs_events USING btree (tenant_id, ts DESC);

CREATE UNIQUE INDEX ux_ttfs_events_tenant_event ON scheduler.ttfs_events USING btree (tenant_id, event_id) WHERE (event_id IS NOT NULL);

-- scheduler.failure_signatures
CREATE TABLE scheduler.failure_signatures (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    signature_hash text NOT NULL,
    signature_version integer DEFAULT 1 NOT NULL,
    pattern jsonb NOT NULL,
    outcome jsonb NOT NULL,
    confidence numeric(4,3) DEFAULT 0.5 NOT NULL,
    sample_count integer DEFAULT 0 NOT NULL,
    last_matched_at timestamp with time zone,
    enabled boolean DEFAULT true NOT NULL,
    expires_at timestamp with time zone,
    CONSTRAINT failure_signatures_confidence_check CHECK (((confidence >= (0)::numeric) AND (confidence <= (1)::numeric)))
);

COMMENT ON TABLE scheduler.failure_signatures IS 'Historical failure patterns for predictive outcome enrichment';

COMMENT ON COLUMN scheduler.failure_signatures.signature_hash IS 'SHA-256 hash of pattern JSON for deduplication';

COMMENT ON COLUMN scheduler.failure_signatures.pattern IS 'JSON pattern for matching job failures';

COMMENT ON COLUMN scheduler.failure_signatures.outcome IS 'Predicted outcome with cause, MTTR, and suggested actions';

COMMENT ON COLUMN scheduler.failure_signatures.confidence IS 'Confidence score 0.0-1.0 based on sample count and recency';

ALTER TABLE ONLY scheduler.failure_signatures
    ADD CONSTRAINT failure_signatures_pkey PRIMARY KEY (id);

ALTER TABLE ONLY scheduler.failure_signatures
    ADD CONSTRAINT failure_signatures_tenant_id_signature_hash_key UNIQUE (tenant_id, signature_hash);

CREATE INDEX idx_failure_signatures_confidence ON scheduler.failure_signatures USING btree (tenant_id, confidence DESC) WHERE (enabled = true);

CREATE INDEX idx_failure_signatures_hash ON scheduler.failure_signatures USING btree (signature_hash);

CREATE INDEX idx_failure_signatures_pattern ON scheduler.failure_signatures USING gin (pattern);

CREATE INDEX idx_failure_signatures_tenant ON scheduler.failure_signatures USING btree (tenant_id) WHERE (enabled = true);

CREATE INDEX idx_failure_signatures_tenant_error_code ON scheduler.failure_signatures USING btree (tenant_id, ((pattern ->> 'error_code'::text))) WHERE (enabled = true);

-- scheduler.ttfs_rollup_buckets
CREATE TABLE scheduler.ttfs_rollup_buckets (
    hour timestamp with time zone NOT NULL,
    tenant_id uuid NOT NULL,
    surface text NOT NULL,
    cache_hit boolean NOT NULL,
    bucket integer NOT NULL,
    n bigint NOT NULL
);

ALTER TABLE ONLY scheduler.ttfs_rollup_buckets
    ADD CONSTRAINT ttfs_rollup_buckets_pkey PRIMARY KEY (tenant_id, hour, surface, cache_hit, bucket);

CREATE INDEX idx_ttfs_rollup_buckets_hour ON scheduler.ttfs_rollup_buckets USING btree (hour, surface, cache_hit);

-- scheduler.ttfs_rollup_cells
CREATE TABLE scheduler.ttfs_rollup_cells (
    hour timestamp with time zone NOT NULL,
    tenant_id uuid NOT NULL,
    surface text NOT NULL,
    cache_hit boolean NOT NULL,
    n_events bigint NOT NULL,
    n_start bigint NOT NULL,
    n_rendered bigint NOT NULL,
    n_timeout bigint NOT NULL,
    n_error bigint NOT NULL,
    m_count bigint NOT NULL,
    m_sum bigint NOT NULL,
    m_min integer,
    m_max integer,
    m_over_2000 bigint NOT NULL,
    m_over_5000 bigint NOT NULL,
    r_over_2000 bigint NOT NULL,
    r_over_5000 bigint NOT NULL
);

ALTER TABLE ONLY scheduler.ttfs_rollup_cells
    ADD CONSTRAINT ttfs_rollup_cells_pkey PRIMARY KEY (tenant_id, hour, surface, cache_hit);

CREATE INDEX idx_ttfs_rollup_cells_hour ON scheduler.ttfs_rollup_cells USING btree (hour);

-- scheduler.ttfs_rollup_cells_delta
CREATE TABLE scheduler.ttfs_rollup_cells_delta (
    hour timestamp with time zone NOT NULL,
    tenant_id uuid NOT NULL,
    surface text NOT NULL,
    cache_hit boolean NOT NULL,
    n_events bigint NOT NULL,
    n_start bigint NOT NULL,
    n_rendered bigint NOT NULL,
    n_timeout bigint NOT NULL,
    n_error bigint NOT NULL,
    m_count bigint NOT NULL,
    m_sum bigint NOT NULL,
    m_min integer,
    m_max integer,
    m_over_2000 bigint NOT NULL,
    m_over_5000 bigint NOT NULL,
    r_over_2000 bigint NOT NULL,
    r_over_5000 bigint NOT NULL
)
WITH (autovacuum_vacuum_scale_factor='0', autovacuum_vacuum_threshold='5000', autovacuum_vacuum_cost_delay='0');

-- scheduler.ttfs_summary_daily
CREATE TABLE scheduler.ttfs_summary_daily (
    day timestamp with time zone NOT NULL,
    tenant_id uuid NOT NULL,
    surface text NOT NULL,
    p50_ms double precision,
    p95_ms double precision
);

ALTER TABLE ONLY scheduler.ttfs_summary_daily
    ADD CONSTRAINT ttfs_summary_daily_pkey PRIMARY KEY (tenant_id, day, surface);

-- scheduler.ttfs_summary_hourly
CREATE TABLE scheduler.ttfs_summary_hourly (
    hour timestamp with time zone NOT NULL,
    surface text NOT NULL,
    cache_hit boolean NOT NULL,
    p50_ms double precision,
    p95_ms double precision,
    p99_ms double precision
);

ALTER TABLE ONLY scheduler.ttfs_summary_hourly
    ADD CONSTRAINT ttfs_summary_hourly_pkey PRIMARY KEY (hour, surface, cache_hit);

-- scheduler.ttfs_release_first_seen
CREATE TABLE scheduler.ttfs_release_first_seen (
    tenant_id uuid NOT NULL,
    release text NOT NULL,
    first_seen timestamp with time zone NOT NULL
);

ALTER TABLE ONLY scheduler.ttfs_release_first_seen
    ADD CONSTRAINT ttfs_release_first_seen_pkey PRIMARY KEY (tenant_id, release);

-- scheduler.ttfs_rollup_buckets_daily
CREATE TABLE scheduler.ttfs_rollup_buckets_daily (
    day timestamp with time zone NOT NULL,
    tenant_id uuid NOT NULL,
    surface text NOT NULL,
    cache_hit boolean NOT NULL,
    bucket integer NOT NULL,
    n bigint NOT NULL
);

ALTER TABLE ONLY scheduler.ttfs_rollup_buckets_daily
    ADD CONSTRAINT ttfs_rollup_buckets_daily_pkey PRIMARY KEY (tenant_id, day, surface, cache_hit, bucket);

CREATE INDEX idx_ttfs_rollup_buckets_daily_day ON scheduler.ttfs_rollup_buckets_daily USING btree (day);

-- scheduler.ttfs_rollup_histogram_delta
CREATE TABLE scheduler.ttfs_rollup_histogram_delta (
    hour timestamp with time zone NOT NULL,
    tenant_id uuid NOT NULL,
    surface text NOT NULL,
    cache_hit boolean NOT NULL,
    buckets integer[] NOT NULL,
    counts bigint[] NOT NULL,
    CONSTRAINT ttfs_rollup_histogram_delta_check CHECK ((cardinality(buckets) = cardinality(counts)))
)
WITH (autovacuum_vacuum_scale_factor='0', autovacuum_vacuum_threshold='5000', autovacuum_vacuum_cost_delay='0');

-- scheduler.ttfs_rollup_cells_daily
CREATE TABLE scheduler.ttfs_rollup_cells_daily (
    day timestamp with time zone NOT NULL,
    tenant_id uuid NOT NULL,
    surface text NOT NULL,
    cache_hit boolean NOT NULL,
    n_events bigint NOT NULL,
    n_start bigint NOT NULL,
    n_rendered bigint NOT NULL,
    n_timeout bigint NOT NULL,
    n_error bigint NOT NULL,
    m_count bigint NOT NULL,
    m_sum bigint NOT NULL,
    m_min integer,
    m_max integer,
    m_over_2000 bigint NOT NULL,
    m_over_5000 bigint NOT NULL,
    r_over_2000 bigint NOT NULL,
    r_over_5000 bigint NOT NULL
);

ALTER TABLE ONLY scheduler.ttfs_rollup_cells_daily
    ADD CONSTRAINT ttfs_rollup_cells_daily_pkey PRIMARY KEY (tenant_id, day, surface, cache_hit);

CREATE INDEX idx_ttfs_rollup_cells_daily_day ON scheduler.ttfs_rollup_cells_daily USING btree (day);

-- scheduler.ttfs_rollup_quantiles
CREATE TABLE scheduler.ttfs_rollup_quantiles (
    tenant_id uuid NOT NULL,
    grain text NOT NULL,
    t timestamp with time zone NOT NULL,
    surface text NOT NULL,
    cache text NOT NULL,
    p50_ms double precision,
    p95_ms double precision,
    p99_ms double precision,
    CONSTRAINT ttfs_rollup_quantiles_cache_check CHECK ((cache = ANY (ARRAY['hit'::text, 'cold'::text, '*'::text]))),
    CONSTRAINT ttfs_rollup_quantiles_grain_check CHECK ((grain = ANY (ARRAY['hour'::text, 'day'::text])))
);

ALTER TABLE ONLY scheduler.ttfs_rollup_quantiles
    ADD CONSTRAINT ttfs_rollup_quantiles_pkey PRIMARY KEY (tenant_id, grain, t, surface, cache);

CREATE INDEX idx_ttfs_rollup_quantiles_t ON scheduler.ttfs_rollup_quantiles USING btree (grain, t);

-- console.api_tokens
CREATE TABLE console.api_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    name text NOT NULL,
    token_prefix text NOT NULL,
    token_hash text NOT NULL,
    scopes text[] NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    revoked_by uuid,
    CONSTRAINT api_tokens_name_check CHECK (((length(name) >= 1) AND (length(name) <= 80))),
    CONSTRAINT api_tokens_scopes_check CHECK (((cardinality(scopes) > 0) AND (scopes <@ ARRAY['telemetry:write'::text, 'signals:write'::text, 'signals:read'::text]))),
    CONSTRAINT api_tokens_token_hash_check CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT api_tokens_token_prefix_check CHECK (((length(token_prefix) >= 8) AND (length(token_prefix) <= 16)))
);

ALTER TABLE ONLY console.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY console.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);

CREATE INDEX api_tokens_tenant_idx ON console.api_tokens USING btree (tenant_id, created_at DESC);

-- console.oidc_logins
CREATE TABLE console.oidc_logins (
    id_hash text NOT NULL,
    state text NOT NULL,
    nonce text NOT NULL,
    code_verifier text NOT NULL,
    redirect_uri text NOT NULL,
    return_to text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT oidc_logins_id_hash_check CHECK ((id_hash ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY console.oidc_logins
    ADD CONSTRAINT oidc_logins_pkey PRIMARY KEY (id_hash);

-- console.rate_limits
CREATE TABLE console.rate_limits (
    key text NOT NULL,
    tokens double precision NOT NULL,
    allowed boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

ALTER TABLE ONLY console.rate_limits
    ADD CONSTRAINT rate_limits_pkey PRIMARY KEY (key);

-- console.retention_runs
CREATE TABLE console.retention_runs (
    id bigint NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    trigger text NOT NULL,
    events_deleted bigint DEFAULT 0 NOT NULL,
    rollup_cells_deleted bigint DEFAULT 0 NOT NULL,
    snapshots_deleted bigint DEFAULT 0 NOT NULL,
    signatures_disabled bigint DEFAULT 0 NOT NULL,
    error text,
    CONSTRAINT retention_runs_trigger_check CHECK ((trigger = ANY (ARRAY['schedule'::text, 'manual'::text])))
);

CREATE SEQUENCE console.retention_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE console.retention_runs_id_seq OWNED BY console.retention_runs.id;

ALTER TABLE ONLY console.retention_runs ALTER COLUMN id SET DEFAULT nextval('console.retention_runs_id_seq'::regclass);

ALTER TABLE ONLY console.retention_runs
    ADD CONSTRAINT retention_runs_pkey PRIMARY KEY (id);

CREATE INDEX idx_retention_runs_started ON console.retention_runs USING btree (started_at DESC);

-- console.sessions
CREATE TABLE console.sessions (
    id_hash text NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT sessions_id_hash_check CHECK ((id_hash ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY console.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id_hash);

CREATE INDEX sessions_expires_idx ON console.sessions USING btree (expires_at);

CREATE INDEX sessions_user_idx ON console.sessions USING btree (user_id);

-- console.signature_audit
CREATE TABLE console.signature_audit (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    signature_id uuid NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor_id text NOT NULL,
    actor_name text NOT NULL,
    action text NOT NULL,
    reason text,
    before jsonb,
    after jsonb,
    CONSTRAINT signature_audit_action_check CHECK ((action = ANY (ARRAY['create'::text, 'edit'::text, 'enable'::text, 'disable'::text, 'delete'::text, 'retention_disable'::text])))
);

CREATE SEQUENCE console.signature_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE console.signature_audit_id_seq OWNED BY console.signature_audit.id;

ALTER TABLE ONLY console.signature_audit ALTER COLUMN id SET DEFAULT nextval('console.signature_audit_id_seq'::regclass);

ALTER TABLE ONLY console.signature_audit
    ADD CONSTRAINT signature_audit_pkey PRIMARY KEY (tenant_id, id);

CREATE INDEX idx_signature_audit_at ON console.signature_audit USING btree (at DESC);

CREATE INDEX idx_signature_audit_signature ON console.signature_audit USING btree (signature_id, at DESC);

-- console.tenants
CREATE TABLE console.tenants (
    id uuid NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenants_name_check CHECK (((length(name) >= 1) AND (length(name) <= 120))),
    CONSTRAINT tenants_slug_check CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'::text))
);

COMMENT ON TABLE console.tenants IS 'Display names for tenant UUIDs (reference table: replicated to every node under Citus)';

ALTER TABLE ONLY console.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);

ALTER TABLE ONLY console.tenants
    ADD CONSTRAINT tenants_slug_key UNIQUE (slug);

-- console.user_tenants
CREATE TABLE console.user_tenants (
    user_id uuid NOT NULL,
    tenant_id uuid NOT NULL
);

ALTER TABLE ONLY console.user_tenants
    ADD CONSTRAINT user_tenants_pkey PRIMARY KEY (user_id, tenant_id);

-- console.users
CREATE TABLE console.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    username text,
    display_name text NOT NULL,
    role text NOT NULL,
    all_tenants boolean DEFAULT false NOT NULL,
    password_hash text,
    oidc_issuer text,
    oidc_subject text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_sign_in_at timestamp with time zone,
    disabled_at timestamp with time zone,
    CONSTRAINT users_check CHECK (((oidc_issuer IS NULL) = (oidc_subject IS NULL))),
    CONSTRAINT users_check1 CHECK (((username IS NOT NULL) OR (oidc_subject IS NOT NULL))),
    CONSTRAINT users_display_name_check CHECK (((length(display_name) >= 1) AND (length(display_name) <= 200))),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['viewer'::text, 'support'::text, 'admin'::text]))),
    CONSTRAINT users_username_check CHECK ((username ~ '^[a-z0-9][a-z0-9._@-]{0,119}$'::text))
);

ALTER TABLE ONLY console.users
    ADD CONSTRAINT users_oidc_issuer_oidc_subject_key UNIQUE (oidc_issuer, oidc_subject);

ALTER TABLE ONLY console.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE ONLY console.users
    ADD CONSTRAINT users_username_key UNIQUE (username);

-- Foreign keys
ALTER TABLE ONLY console.api_tokens
    ADD CONSTRAINT api_tokens_created_by_fkey FOREIGN KEY (created_by) REFERENCES console.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY console.api_tokens
    ADD CONSTRAINT api_tokens_revoked_by_fkey FOREIGN KEY (revoked_by) REFERENCES console.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY console.api_tokens
    ADD CONSTRAINT api_tokens_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES console.tenants(id) ON DELETE CASCADE;

ALTER TABLE ONLY console.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES console.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY console.user_tenants
    ADD CONSTRAINT user_tenants_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES console.tenants(id) ON DELETE CASCADE;

ALTER TABLE ONLY console.user_tenants
    ADD CONSTRAINT user_tenants_user_id_fkey FOREIGN KEY (user_id) REFERENCES console.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY scheduler.first_signal_snapshots
    ADD CONSTRAINT first_signal_snapshots_run_id_fkey FOREIGN KEY (run_id) REFERENCES scheduler.runs(id);

--
--

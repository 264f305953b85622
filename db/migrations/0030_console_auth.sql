-- 0030: people, sessions, API tokens and rate-limit buckets.
-- Secrets are never stored: sessions and tokens keep only the SHA-256 (hex) of
-- the random value the client holds. These tables are looked up by that hash,
-- not by tenant, so under Citus they stay local/reference tables on the
-- coordinator (they are small and not tenant-partitioned).

CREATE TABLE console.users (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Sign-in name of local (demo) users; OIDC users may have none.
  username TEXT UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{0,119}$'),
  display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role TEXT NOT NULL CHECK (role IN ('viewer', 'support', 'admin')),
  -- Operators see every tenant, including ones created later.
  all_tenants BOOLEAN NOT NULL DEFAULT FALSE,
  -- scrypt hash of local users only ("scrypt$N$r$p$salt$hash").
  password_hash TEXT,
  oidc_issuer TEXT,
  oidc_subject TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_sign_in_at TIMESTAMPTZ,
  disabled_at TIMESTAMPTZ,
  UNIQUE (oidc_issuer, oidc_subject),
  CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
  CHECK (username IS NOT NULL OR oidc_subject IS NOT NULL)
);

CREATE TABLE console.user_tenants (
  user_id UUID NOT NULL REFERENCES console.users(id) ON DELETE CASCADE,
  tenant_id UUID NOT NULL REFERENCES console.tenants(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, tenant_id)
);

CREATE TABLE console.sessions (
  id_hash TEXT PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  user_id UUID NOT NULL REFERENCES console.users(id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_idx ON console.sessions (user_id);
CREATE INDEX sessions_expires_idx ON console.sessions (expires_at);

CREATE TABLE console.api_tokens (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id UUID NOT NULL REFERENCES console.tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  -- The first characters of the token, shown in lists so people can tell tokens apart.
  token_prefix TEXT NOT NULL CHECK (length(token_prefix) BETWEEN 8 AND 16),
  token_hash TEXT NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  scopes TEXT[] NOT NULL CHECK (
    cardinality(scopes) > 0 AND scopes <@ ARRAY['telemetry:write', 'signals:write', 'signals:read']::TEXT[]
  ),
  created_by UUID REFERENCES console.users(id) ON DELETE SET NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_used_at TIMESTAMPTZ,
  revoked_at TIMESTAMPTZ,
  revoked_by UUID REFERENCES console.users(id) ON DELETE SET NULL
);
CREATE INDEX api_tokens_tenant_idx ON console.api_tokens (tenant_id, created_at DESC);

-- A pending OIDC sign-in: the browser holds a random id in a short-lived
-- cookie; state, nonce and the PKCE verifier stay on the server.
CREATE TABLE console.oidc_logins (
  id_hash TEXT PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  state TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  return_to TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);

-- Token buckets shared by every app instance (sign-in attempts, ingest per token).
CREATE TABLE console.rate_limits (
  key TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  allowed BOOLEAN NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);

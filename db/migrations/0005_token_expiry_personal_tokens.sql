-- API tokens get an expiry, and people get tokens of their own.
--
-- console.api_tokens stays one tenant's tokens (tenant_id NOT NULL: on Citus the table is
-- distributed by tenant_id). A personal token belongs to a person, reads the tenants that person
-- has at each request and has no tenant of its own, so it lives in console.personal_tokens: a
-- small shared table (a reference table on Citus, like console.users and sessions). Bearer
-- lookups read both (lib/auth/tokens.ts; docs/security.md).
ALTER TABLE console.api_tokens ADD COLUMN IF NOT EXISTS expires_at TIMESTAMPTZ NULL;

CREATE TABLE IF NOT EXISTS console.personal_tokens (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_user_id UUID NOT NULL REFERENCES console.users (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  token_prefix TEXT NOT NULL CHECK (length(token_prefix) BETWEEN 8 AND 16),
  token_hash TEXT NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  scopes TEXT[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['signals:read', 'telemetry:write']),
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_used_at TIMESTAMPTZ NULL,
  revoked_at TIMESTAMPTZ NULL,
  -- Personal tokens always expire (at most 90 days, lib/auth/tokens.ts).
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS personal_tokens_owner_idx ON console.personal_tokens (owner_user_id, created_at DESC);

COMMENT ON TABLE console.personal_tokens IS 'A person''s own API tokens (CLI): the owner''s tenants at each request, no tenant of their own';

-- 0002: tables owned by the console itself live in schema `console`, apart
-- from the scheduler's contract schema. Tenants give ids a human name; the
-- scheduler only knows UUIDs.
CREATE SCHEMA IF NOT EXISTS console;

CREATE TABLE IF NOT EXISTS console.tenants (
  id UUID PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE console.tenants IS 'Display names for tenant UUIDs (reference table: replicated to every node under Citus)';

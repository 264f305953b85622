-- 0021: audit trail of failure signature changes, and regex validation done by
-- PostgreSQL itself (the matcher uses PostgreSQL's `~`, so only it can say
-- whether a pattern compiles).
CREATE TABLE IF NOT EXISTS console.signature_audit (
  id BIGSERIAL,
  tenant_id UUID NOT NULL,
  signature_id UUID NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('create', 'edit', 'enable', 'disable', 'delete', 'retention_disable')),
  reason TEXT NULL,
  before JSONB NULL,
  after JSONB NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS idx_signature_audit_signature ON console.signature_audit (signature_id, at DESC);
CREATE INDEX IF NOT EXISTS idx_signature_audit_at ON console.signature_audit (at DESC);

CREATE OR REPLACE FUNCTION console.regex_error(p TEXT) RETURNS TEXT
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM '' ~ p;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLERRM;
END $$;

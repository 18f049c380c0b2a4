-- API tokens get an optional lifetime (issue 9, "tokens can be given a lifetime and expire"): Unix ms after which
-- the bearer token is refused with 401; NULL = no expiry (clients added before this migration keep working).
ALTER TABLE api_client ADD COLUMN expires_at BIGINT;
-- The regional security officer reads the whole region's trail by time (audit export, /api/audit region scope);
-- chunks are read in (at, id) order.
CREATE INDEX ix_audit_at_id ON audit_entry(at, id);

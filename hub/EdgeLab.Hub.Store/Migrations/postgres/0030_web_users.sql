-- People who sign in to the hub's web pages (issue 13): one login per person, bound to an organization and a role.
-- password_hash is ASP.NET Core Identity's PasswordHasher format (PBKDF2-HMAC-SHA512, salted); failed_count and
-- locked_until implement the lockout after repeated wrong passwords; disabled_at keeps the row for the audit trail.
CREATE TABLE web_user (
    login TEXT PRIMARY KEY, display_name TEXT NOT NULL, org_id TEXT NOT NULL REFERENCES organization(id),
    role TEXT NOT NULL, password_hash TEXT NOT NULL, created BIGINT NOT NULL, disabled_at BIGINT,
    failed_count BIGINT NOT NULL DEFAULT 0, locked_until BIGINT);

-- Specimen reception at the lab's desk: a tube scanned (or typed) in, with time, station and person. One row per
-- specimen: a second scan of the same tube answers "already received" with the first time.
CREATE TABLE specimen_reception (
    specimen_id TEXT PRIMARY KEY, lab_id TEXT NOT NULL, received_at BIGINT NOT NULL, station TEXT NOT NULL,
    received_by TEXT NOT NULL);
CREATE INDEX ix_specimen_reception_lab ON specimen_reception(lab_id, received_at);

-- A queue item's page shows its own audit trail (who viewed and resolved it): entries by resource.
CREATE INDEX ix_audit_resource ON audit_entry(resource_type, resource_id);

-- The patient's cabinet access code printed on the referral slip (issue 13 prints it, issue 14 signs in with it and
-- the birth date). Only its SHA-256 is kept; printing the slip again issues a new code and the old one stops working.
CREATE TABLE referral_access_code (
    referral_id TEXT PRIMARY KEY, code_sha256 TEXT NOT NULL, created BIGINT NOT NULL, expires_at BIGINT NOT NULL,
    issued_by TEXT NOT NULL);
CREATE UNIQUE INDEX ux_referral_access_code ON referral_access_code(code_sha256);

-- A gateway's standing in the registry (issue 9, "Result provenance"): only an enabled gateway's results are stored.
-- disabled = shut out for now (can be enabled again); revoked = its certificate is withdrawn for good.
ALTER TABLE gateway ADD COLUMN state TEXT NOT NULL DEFAULT 'enabled';
ALTER TABLE gateway ADD COLUMN state_changed BIGINT;
ALTER TABLE gateway ADD COLUMN state_reason TEXT;

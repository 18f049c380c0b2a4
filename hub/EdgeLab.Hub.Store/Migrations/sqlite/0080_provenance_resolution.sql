-- The provenance-violation queue (issue 13): a person resolves a held message (e.g. "the gateway was re-enrolled,
-- the lab resent the results" or "a test bench, not patient data") with a note. The violation row stays as it was
-- (the evidence); the resolution is its own row, one per violation.
CREATE TABLE provenance_resolution (
    violation_id BIGINT PRIMARY KEY, resolved_by TEXT NOT NULL, organization_id TEXT NOT NULL, resolved_at BIGINT NOT NULL,
    note TEXT NOT NULL);

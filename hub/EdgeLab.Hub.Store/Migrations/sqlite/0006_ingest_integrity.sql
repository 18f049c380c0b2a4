-- Ingest integrity (issue 9): message identity that survives a gateway reinstall, and result provenance.
-- A processed id remembers the SHA-256 of the payload first stored under it: a repeat with other bytes is not a
-- resend but a reused id (a reinstalled store, a restored backup, or a forger) and is quarantined with an alert
-- instead of being acked as a silent repeat. Rows from before this migration have no hash (NULL = not compared).
ALTER TABLE processed_message ADD COLUMN payload_sha256 TEXT;

-- Every outbox epoch a gateway has used ('' = ids in the old form, without an epoch), the highest sequence seen in
-- it and when it first appeared: a new epoch (a reinstall) and a sequence far below the highest raise an alert.
CREATE TABLE gateway_epoch (
    gateway_id TEXT NOT NULL, epoch TEXT NOT NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,
    max_sequence BIGINT NOT NULL, PRIMARY KEY (gateway_id, epoch));

-- Results refused because the sender is not entitled to write them (DESIGN.md guarantee 7): an unregistered,
-- disabled or revoked gateway, or a gateway of another lab than the one performing the specimen. Kept whole (raw
-- payload) for a person to examine; never stored as a result, never superseding one, never notifying.
-- specimen_lab_id is the lab that performs the named specimen (who may see the violation besides the region).
CREATE TABLE provenance_violation (
    id INTEGER PRIMARY KEY, gateway_id TEXT NOT NULL, gateway_lab_id TEXT, message_id TEXT NOT NULL, reason TEXT NOT NULL,
    detail TEXT NOT NULL, specimen_id TEXT, specimen_lab_id TEXT, payload BLOB NOT NULL, received_at BIGINT NOT NULL);
CREATE INDEX ix_provenance_violation_lab ON provenance_violation(specimen_lab_id, id);

-- Result validation (issue 13). Why autoverification held a result (HoldReason names joined by U+001F), written with
-- the row at ingest and never changed (history stays insert-only); NULL = the rules released it (and every result
-- stored before this migration, which went to the EMR as final already).
ALTER TABLE lab_result ADD COLUMN hold_reasons TEXT;
-- The lab doctor's worklist reads held results by lab; decided ones drop out by a primary-key probe in result_decision.
CREATE INDEX ix_result_held ON lab_result(lab_id, effective_at) WHERE hold_reasons IS NOT NULL;

-- A lab doctor's decision on a held result: release, rerun or reject (with a reason). One per result: a rerun or a
-- correction is a new result that supersedes this one and is evaluated and decided on its own.
CREATE TABLE result_decision (
    result_id BIGINT PRIMARY KEY, action TEXT NOT NULL, decided_by TEXT NOT NULL, organization_id TEXT NOT NULL,
    decided_at BIGINT NOT NULL, reason TEXT);

-- Critical values: the webhook waits while the result is held (held = 1); the board lists the rows without an
-- acknowledgement, oldest first; escalated_at records the escalation of one left unacknowledged too long.
ALTER TABLE critical_notification ADD COLUMN held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE critical_notification ADD COLUMN ack_recorded_by TEXT;
ALTER TABLE critical_notification ADD COLUMN ack_informed_by TEXT;
ALTER TABLE critical_notification ADD COLUMN ack_informed_whom TEXT;
ALTER TABLE critical_notification ADD COLUMN ack_informed_at BIGINT;
ALTER TABLE critical_notification ADD COLUMN ack_read_back BIGINT;
ALTER TABLE critical_notification ADD COLUMN ack_recorded_at BIGINT;
ALTER TABLE critical_notification ADD COLUMN escalated_at BIGINT;
-- The number the lab calls with a critical value (shown on the board beside the ordering clinic).
ALTER TABLE organization ADD COLUMN phone TEXT;
CREATE INDEX ix_notification_unacknowledged ON critical_notification(created_at) WHERE ack_recorded_at IS NULL;

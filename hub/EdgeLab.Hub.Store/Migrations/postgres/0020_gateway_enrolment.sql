-- Issue 12 §1 "Enrolment and identity": 'edgelab-hub gateways enrol' registers a gateway for a facility and lab with the
-- client certificate the device CA issued it. state gains 'pending' (enrolled, not yet accepted by regional IT: the
-- broker lets it announce itself on its status topic only and ingest stores nothing from it). cert_serial (hex) and
-- cert_not_after follow renewals over MQTT; pending_seen_at is when a pending gateway last announced itself.
ALTER TABLE gateway ADD COLUMN facility TEXT;
ALTER TABLE gateway ADD COLUMN cert_serial TEXT;
ALTER TABLE gateway ADD COLUMN cert_not_after BIGINT;
ALTER TABLE gateway ADD COLUMN pending_seen_at BIGINT;

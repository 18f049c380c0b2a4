-- Specimen transfer (issue 15 §1; HL7 Clinical Order Workflows IG, "Lab Order Flow with Reference Lab"; OpenELIS
-- referral lifecycle). An aliquot is a specimen row of the same referral with parent_id = the tube it was poured from.
ALTER TABLE specimen ADD COLUMN parent_id TEXT;

-- A shipment box (FHIR SupplyDelivery): open → in-transit (dispatched) → received (scanned at the receiving lab).
-- condition is the container condition at receipt, HL7 v2 table 0544.
CREATE TABLE shipment_box (
    id TEXT PRIMARY KEY, barcode TEXT NOT NULL, from_lab_id TEXT NOT NULL, to_lab_id TEXT NOT NULL,
    capacity INTEGER NOT NULL, temperature TEXT NOT NULL, status TEXT NOT NULL, condition TEXT,
    created BIGINT NOT NULL, dispatched_at BIGINT, receive_due_at BIGINT, received_at BIGINT, received_by TEXT,
    overdue_alerted_at BIGINT, last_updated BIGINT NOT NULL);
CREATE UNIQUE INDEX ux_shipment_box_barcode ON shipment_box(barcode);
CREATE INDEX ix_shipment_box_due ON shipment_box(receive_due_at) WHERE status = 'in-transit' AND overdue_alerted_at IS NULL;

-- One test sent out (FHIR Task R4, one per ServiceRequest as in the IG), carried by one tube (the original or an aliquot),
-- requested by the sending lab, owned by the receiving lab. status is the FHIR Task status.
CREATE TABLE transfer_task (
    id TEXT PRIMARY KEY, referral_id TEXT NOT NULL REFERENCES referral(id), specimen_id TEXT NOT NULL,
    source_specimen_id TEXT NOT NULL, test_code TEXT NOT NULL, requester_lab_id TEXT NOT NULL, owner_lab_id TEXT NOT NULL,
    status TEXT NOT NULL, status_reason TEXT, box_id TEXT, created BIGINT NOT NULL, received_at BIGINT,
    results_due_at BIGINT, completed_at BIGINT, overdue_alerted_at BIGINT, last_updated BIGINT NOT NULL);
CREATE INDEX ix_transfer_task_specimen ON transfer_task(specimen_id);
CREATE INDEX ix_transfer_task_owner ON transfer_task(owner_lab_id, status);
CREATE INDEX ix_transfer_task_requester ON transfer_task(requester_lab_id, status);
CREATE INDEX ix_transfer_task_referral ON transfer_task(referral_id);
CREATE INDEX ix_transfer_task_box ON transfer_task(box_id);

-- Overdue shipments and results, raised once each by the deadline sweep; the sending lab reads them.
CREATE TABLE transfer_alert (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject_id TEXT NOT NULL, lab_id TEXT NOT NULL, detail TEXT NOT NULL,
    raised_at BIGINT NOT NULL);
CREATE INDEX ix_transfer_alert_lab ON transfer_alert(lab_id, raised_at);

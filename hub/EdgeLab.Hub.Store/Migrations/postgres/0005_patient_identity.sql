-- Patient identity (issue 9, "Patient identity"). An identifier (SNILS, OMS policy) alone no longer makes two records one
-- person: a match also needs agreeing demographics, and a referral whose identifier matches a patient with other
-- demographics is held here for a person to decide. "Different person" keeps both records, so one SNILS can now name two
-- patient rows (the conflict is recorded on the queue item): the SNILS index stops being unique.
DROP INDEX ux_patient_snils;
CREATE INDEX ix_patient_snils ON patient(snils);

-- The referral as it was sent (JSON: patient, referral, specimens), held whole: no patient row, no referral, no barcode
-- and no order exist for it until it is resolved. status: open | same-person | different-person | rejected.
CREATE TABLE identity_conflict (
    id BIGSERIAL PRIMARY KEY, ordering_org_id TEXT NOT NULL, performing_lab_id TEXT NOT NULL, external_id TEXT,
    identifier_kind TEXT NOT NULL, candidate_patient_id TEXT NOT NULL, disagreeing TEXT NOT NULL,
    submitted_json TEXT NOT NULL, status TEXT NOT NULL, created BIGINT NOT NULL,
    resolved_at BIGINT, resolved_by TEXT, resolution_note TEXT, patient_id TEXT, referral_id TEXT);
CREATE INDEX ix_identity_conflict_org ON identity_conflict(ordering_org_id, id);
CREATE INDEX ix_identity_conflict_external ON identity_conflict(ordering_org_id, external_id);

-- Reads are scoped by referral now (an organization sees the referrals it placed or performs), not by patient.
CREATE INDEX ix_referral_ordering ON referral(ordering_org_id, id);
CREATE INDEX ix_referral_performing ON referral(performing_lab_id, id);

-- EdgeLab hub schema v1 (SQLite). Times are Unix milliseconds (UTC); booleans 0/1; lists space- or unit-separated text.
CREATE TABLE organization (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, webhook_url TEXT, created BIGINT NOT NULL);

CREATE TABLE gateway (
    id TEXT PRIMARY KEY, lab_id TEXT NOT NULL REFERENCES organization(id), online BIGINT, last_status_at BIGINT,
    last_status_json TEXT, created BIGINT NOT NULL);

CREATE TABLE gateway_event (
    id INTEGER PRIMARY KEY, gateway_id TEXT NOT NULL, message_id TEXT NOT NULL, type TEXT NOT NULL, instrument_id TEXT,
    at BIGINT NOT NULL, text TEXT, data_json TEXT);
CREATE INDEX ix_gateway_event_gw ON gateway_event(gateway_id, id);

CREATE TABLE patient (
    id TEXT PRIMARY KEY, managing_org_id TEXT NOT NULL, snils TEXT, oms_policy TEXT, family_name TEXT NOT NULL,
    family_norm TEXT NOT NULL, given_name TEXT NOT NULL, given_norm TEXT NOT NULL, middle_name TEXT, sex TEXT NOT NULL,
    birth_date TEXT NOT NULL, created BIGINT NOT NULL, last_updated BIGINT NOT NULL);
CREATE UNIQUE INDEX ux_patient_snils ON patient(snils) WHERE snils IS NOT NULL;
CREATE INDEX ix_patient_oms ON patient(oms_policy);
CREATE INDEX ix_patient_family ON patient(family_norm);

-- Which organizations may see a patient: manager, ordering clinics, performing labs.
CREATE TABLE patient_access (org_id TEXT NOT NULL, patient_id TEXT NOT NULL, PRIMARY KEY (org_id, patient_id));

CREATE TABLE referral (
    id TEXT PRIMARY KEY, patient_id TEXT NOT NULL REFERENCES patient(id), ordering_org_id TEXT NOT NULL,
    practitioner_name TEXT NOT NULL, practitioner_id TEXT, performing_lab_id TEXT NOT NULL, test_codes TEXT NOT NULL,
    priority TEXT NOT NULL, status TEXT NOT NULL, external_id TEXT, created BIGINT NOT NULL, last_updated BIGINT NOT NULL);
CREATE INDEX ix_referral_patient ON referral(patient_id, id);
CREATE UNIQUE INDEX ux_referral_external ON referral(ordering_org_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE barcode_counter (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO barcode_counter(name, value) VALUES ('specimen', 0);

CREATE TABLE specimen (
    id TEXT PRIMARY KEY, referral_id TEXT NOT NULL REFERENCES referral(id), patient_id TEXT NOT NULL, type TEXT NOT NULL,
    test_codes TEXT NOT NULL, status TEXT NOT NULL, collected_at BIGINT, created BIGINT NOT NULL, last_updated BIGINT NOT NULL);
CREATE INDEX ix_specimen_referral ON specimen(referral_id);
CREATE INDEX ix_specimen_patient ON specimen(patient_id);

CREATE TABLE processed_message (message_id TEXT PRIMARY KEY, processed_at BIGINT NOT NULL);

CREATE TABLE lab_result (
    id INTEGER PRIMARY KEY, specimen_id TEXT NOT NULL, referral_id TEXT NOT NULL, patient_id TEXT NOT NULL,
    lab_id TEXT NOT NULL, catalog_code TEXT NOT NULL, loinc TEXT NOT NULL, section TEXT NOT NULL, analyzer_code TEXT NOT NULL,
    value TEXT NOT NULL, numeric_value DOUBLE PRECISION, comparator TEXT, unit TEXT, ref_low DOUBLE PRECISION,
    ref_high DOUBLE PRECISION, ref_text TEXT, interpretation TEXT, flags TEXT, status TEXT NOT NULL,
    effective_at BIGINT NOT NULL, issued_at BIGINT NOT NULL, gateway_id TEXT NOT NULL, instrument_id TEXT NOT NULL,
    message_id TEXT NOT NULL, sequence BIGINT NOT NULL, supersedes_id BIGINT, is_current BIGINT NOT NULL,
    last_updated BIGINT NOT NULL);
CREATE INDEX ix_result_patient ON lab_result(patient_id, effective_at);
CREATE INDEX ix_result_specimen ON lab_result(specimen_id, catalog_code);
CREATE INDEX ix_result_referral ON lab_result(referral_id);
CREATE INDEX ix_result_updated ON lab_result(last_updated);

CREATE TABLE unmatched_result (
    id INTEGER PRIMARY KEY, reason TEXT NOT NULL, message_id TEXT NOT NULL, gateway_id TEXT NOT NULL, lab_id TEXT,
    instrument_id TEXT NOT NULL, profile TEXT NOT NULL, sequence BIGINT NOT NULL, specimen_id TEXT, analyzer_code TEXT NOT NULL,
    value TEXT NOT NULL, units TEXT, flags TEXT, reference_range TEXT, status TEXT, completed_at BIGINT,
    received_at BIGINT NOT NULL, resolved_at BIGINT, resolved_by TEXT, resolved_result_id BIGINT);
CREATE INDEX ix_unmatched_open ON unmatched_result(resolved_at, id);

CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY, topic TEXT NOT NULL, gateway_id TEXT, message_id TEXT, reason TEXT NOT NULL,
    detail TEXT NOT NULL, payload BLOB NOT NULL, payload_length BIGINT NOT NULL, received_at BIGINT NOT NULL);

CREATE TABLE critical_notification (
    id INTEGER PRIMARY KEY, org_id TEXT NOT NULL, result_id BIGINT NOT NULL, patient_id TEXT NOT NULL,
    referral_id TEXT NOT NULL, catalog_code TEXT NOT NULL, interpretation TEXT NOT NULL, created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL, delivered_at BIGINT, last_error TEXT);
CREATE INDEX ix_notification_due ON critical_notification(delivered_at, next_attempt_at);

CREATE TABLE api_client (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, org_id TEXT NOT NULL REFERENCES organization(id), token_sha256 TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL, created BIGINT NOT NULL, revoked_at BIGINT);

CREATE TABLE audit_entry (
    id INTEGER PRIMARY KEY, at BIGINT NOT NULL, client_id TEXT NOT NULL, org_id TEXT NOT NULL, action TEXT NOT NULL,
    resource_type TEXT NOT NULL, resource_id TEXT, patient_id TEXT, query TEXT, status_code BIGINT NOT NULL, remote_address TEXT);
CREATE INDEX ix_audit_at ON audit_entry(at);

-- The patient's e-mail in the cabinet (issue 14). cabinet_email links one confirmed address to one patient (the
-- patient a slip code + birth date proved when the address was added), with the consent to "results ready" mail:
-- when and which wording (consent_version) the patient agreed to, and when it was withdrawn.
CREATE TABLE cabinet_email (
    patient_id TEXT PRIMARY KEY, address TEXT NOT NULL UNIQUE, confirmed_at BIGINT NOT NULL,
    consent_version TEXT, consent_at BIGINT, withdrawn_at BIGINT);

-- One-time codes sent by e-mail: to confirm an address (purpose 'link', patient_id = the session's patient) or to sign
-- in (purpose 'sign-in', patient_id = the address's patient, NULL when no patient has that address: the page answers
-- the same either way). Only the code's SHA-256 with the challenge's random id is kept; failed_count locks the
-- challenge after 5 wrong codes; used_at makes a code work once. requester_sha256 (SHA-256 of the client address) and
-- address with created_at serve the per-IP and per-address rate limits.
CREATE TABLE cabinet_email_code (
    id TEXT PRIMARY KEY, purpose TEXT NOT NULL, address TEXT NOT NULL, patient_id TEXT, code_sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, failed_count BIGINT NOT NULL, used_at BIGINT,
    requester_sha256 TEXT NOT NULL);
CREATE INDEX cabinet_email_code_address ON cabinet_email_code(address, created_at);
CREATE INDEX cabinet_email_code_requester ON cabinet_email_code(requester_sha256, created_at);

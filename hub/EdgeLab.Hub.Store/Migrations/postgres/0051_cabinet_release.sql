-- Sensitive tests (catalog `sensitive: true`: HIV, some PCR, genetics) reach the patient's cabinet only after a
-- clinician releases them to the patient (issue 14, as Epic MyChart's release delays): one row per referral and test,
-- with who released it and when; the lab's own release (result_decision) is not enough for these.
CREATE TABLE cabinet_release (
    referral_id TEXT NOT NULL, test_code TEXT NOT NULL, released_by TEXT NOT NULL, organization_id TEXT NOT NULL,
    released_at BIGINT NOT NULL, PRIMARY KEY (referral_id, test_code));

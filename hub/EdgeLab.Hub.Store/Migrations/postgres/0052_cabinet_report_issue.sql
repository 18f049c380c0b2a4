-- Each PDF report the cabinet issues (issue 14): its verification id (random, printed with a QR of
-- /cabinet/verify/{id}), the report, the lab, when, how many results and the SHA-256 of the printed result lines, so
-- anyone holding the paper can check at the hub that the lab issued it and that the lines were not changed. The
-- verification page shows the lab, the date, the count and the initials only.
CREATE TABLE cabinet_report_issue (
    verification_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, lab_name TEXT NOT NULL, patient_initials TEXT NOT NULL,
    issued_at BIGINT NOT NULL, result_count BIGINT NOT NULL, content_sha256 TEXT NOT NULL);

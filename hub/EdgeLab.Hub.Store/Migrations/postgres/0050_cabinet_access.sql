-- The patient's cabinet (issue 14): wrong birth dates per access code. After N in a row the code is locked until
-- locked_until (CDC SimpleReport's lesson: lock after repeated wrong dates); a right date clears the row. Keyed by the
-- code's SHA-256, so printing a new slip (a new code) starts afresh and no code is ever stored in clear.
CREATE TABLE cabinet_access_failure (
    code_sha256 TEXT PRIMARY KEY, failed_count BIGINT NOT NULL, locked_until BIGINT);

-- Result history becomes insert-only: which result is current for a (specimen, test) moves from a flag on every
-- lab_result row (rewritten when a correction arrives — a full new row version plus index entries in PostgreSQL) to
-- one small pointer row per (specimen, test). Ingest then reads a specimen's current results by primary key and never
-- rewrites an old row. Searches by specimen and reports by referral go through this table (current results) or the
-- patient index (history), so the two lab_result indexes on specimen and referral are no longer needed.
-- fillfactor leaves room on each page so that moving the pointer is a heap-only (HOT) update.
CREATE TABLE result_current (
    specimen_id TEXT NOT NULL, catalog_code TEXT NOT NULL, result_id BIGINT NOT NULL, effective_at BIGINT NOT NULL,
    sequence BIGINT NOT NULL, PRIMARY KEY (specimen_id, catalog_code)) WITH (fillfactor = 70);
INSERT INTO result_current(specimen_id, catalog_code, result_id, effective_at, sequence)
    SELECT DISTINCT ON (specimen_id, catalog_code) specimen_id, catalog_code, id, effective_at, sequence
    FROM lab_result WHERE is_current = 1
    ORDER BY specimen_id, catalog_code, effective_at DESC, sequence DESC, id DESC;
DROP INDEX ix_result_specimen;
DROP INDEX ix_result_referral;
ALTER TABLE lab_result DROP COLUMN is_current;

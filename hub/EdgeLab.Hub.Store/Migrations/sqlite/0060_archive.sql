-- The paper medical card archive (issue 15 §2). Locations are archive → zone → box (rows, parent_id = partOf);
-- a box has a number of positions, and a card's position is a number inside its box (not a row: 800,000 cards would
-- be 800,000 position rows; the FHIR Location of a position is derived, id "{box id}-p{n}").
CREATE TABLE archive_location (
    id TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, parent_id TEXT,
    positions INTEGER, created BIGINT NOT NULL);
CREATE UNIQUE INDEX ux_archive_location_path ON archive_location(path);
CREATE INDEX ix_archive_location_parent ON archive_location(parent_id);

-- One paper card per card number (the polyclinic's inventory number, unique region-wide). patient_id is set only
-- when the identity rules matched (identifier AND demographics); otherwise the card waits in the archive queue
-- (patient_id NULL, queue_reason says why) with the demographics as the inventory gave them, for a person to decide.
CREATE TABLE archive_card (
    card_number TEXT PRIMARY KEY, patient_id TEXT, queue_reason TEXT, polyclinic TEXT NOT NULL,
    box_id TEXT NOT NULL, position INTEGER NOT NULL, snils TEXT, oms_policy TEXT, family_name TEXT NOT NULL,
    given_name TEXT NOT NULL, middle_name TEXT, birth_date TEXT NOT NULL, sex TEXT NOT NULL,
    created BIGINT NOT NULL, last_updated BIGINT NOT NULL);
CREATE INDEX ix_archive_card_patient ON archive_card(patient_id) WHERE patient_id IS NOT NULL;
CREATE INDEX ix_archive_card_queue ON archive_card(card_number) WHERE patient_id IS NULL;

-- A doctor's request for a card: requested → retrieved → delivered → returned, with the due dates; overdue_at is
-- set once by the archive grain when a due date passes (the alert), cleared by nothing (history).
CREATE TABLE archive_retrieval (
    id TEXT PRIMARY KEY, card_number TEXT NOT NULL, organization_id TEXT NOT NULL, requested_by TEXT NOT NULL,
    status TEXT NOT NULL, requested_at BIGINT NOT NULL, deliver_by BIGINT NOT NULL, return_by BIGINT,
    retrieved_at BIGINT, delivered_at BIGINT, returned_at BIGINT, overdue_at BIGINT, last_updated BIGINT NOT NULL);
CREATE INDEX ix_archive_retrieval_card ON archive_retrieval(card_number);
CREATE INDEX ix_archive_retrieval_open ON archive_retrieval(deliver_by) WHERE status <> 'returned';

-- Scanned pages of a card: the PDF as stored, its SHA-256 (hex), page count, when it was scanned, a category.
CREATE TABLE archive_document (
    id TEXT PRIMARY KEY, card_number TEXT NOT NULL, patient_id TEXT, category TEXT NOT NULL, content BLOB NOT NULL,
    sha256 TEXT NOT NULL, page_count INTEGER NOT NULL, scanned_at BIGINT NOT NULL, created BIGINT NOT NULL);
CREATE INDEX ix_archive_document_patient ON archive_document(patient_id, category);
CREATE INDEX ix_archive_document_card ON archive_document(card_number);

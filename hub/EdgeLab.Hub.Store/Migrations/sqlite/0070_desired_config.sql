-- Issue 12 §2 "Desired and reported configuration": regional IT edits configuration layers — one per group (facility,
-- lab, box model, label) or per gateway — and the hub keeps, per gateway, the effective document (the layers merged,
-- Fleet/ConfigLayers) with a version that only grows. Every version of a layer and of a gateway's document is kept,
-- so 'config diff' can show what a gateway still runs against what it should. The gateway's box model and labels
-- are what group layers match on. published_version: the last version the gateway's grain published retained on
-- …/config (a version above it is waiting to be published, e.g. after 'config set' from the command line).
ALTER TABLE gateway ADD COLUMN box_model TEXT;
ALTER TABLE gateway ADD COLUMN labels TEXT;

CREATE TABLE config_layer (
    scope_kind TEXT NOT NULL, scope_value TEXT NOT NULL, revision BIGINT NOT NULL, document TEXT NOT NULL,
    changed_at BIGINT NOT NULL, changed_by TEXT NOT NULL,
    PRIMARY KEY (scope_kind, scope_value, revision));

CREATE TABLE gateway_desired_config (
    gateway_id TEXT NOT NULL, version BIGINT NOT NULL, document TEXT NOT NULL, sha256 TEXT NOT NULL,
    layers TEXT NOT NULL, created_at BIGINT NOT NULL,
    PRIMARY KEY (gateway_id, version));

CREATE TABLE gateway_config_publication (
    gateway_id TEXT PRIMARY KEY, desired_version BIGINT NOT NULL, published_version BIGINT, published_at BIGINT);

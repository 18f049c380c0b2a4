-- The fleet console and its alerts (issue 12 §6).
-- gateway_presence: every online/offline change of a gateway as its retained status (or its Will) told the hub, written
-- by ingest in the batch that stores the status (Store/Results/PlanWriter) — the console's "online since", the
-- timeline, and what the flapping alert counts.
CREATE TABLE gateway_presence (
    id INTEGER PRIMARY KEY, gateway_id TEXT NOT NULL, online BIGINT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX ix_gateway_presence_gw ON gateway_presence(gateway_id, at);

-- fleet_alert: one row per alert from raise to clear (kept after, as history). kind: offline, outbox-stale,
-- instrument-down, certificate-expiring, flapping; subject: the instrument for instrument-down, '' otherwise. At most
-- one open alert per (gateway, kind, subject): the partial unique index makes a second node's raise a no-op.
CREATE TABLE fleet_alert (
    id INTEGER PRIMARY KEY, gateway_id TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,
    raised_at BIGINT NOT NULL, cleared_at BIGINT, acknowledged_at BIGINT, acknowledged_by TEXT);
CREATE UNIQUE INDEX ux_fleet_alert_open ON fleet_alert(gateway_id, kind, subject) WHERE cleared_at IS NULL;
CREATE INDEX ix_fleet_alert_gw ON fleet_alert(gateway_id, raised_at);

-- fleet_alert_delivery: one row per (alert, event raised|cleared, channel) until the channel accepted it; attempts and
-- next_attempt_at carry the backoff (1 s doubling to 5 min), as critical_notification does.
CREATE TABLE fleet_alert_delivery (
    id INTEGER PRIMARY KEY, alert_id BIGINT NOT NULL, event TEXT NOT NULL, channel TEXT NOT NULL, created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL, delivered_at BIGINT, last_error TEXT);
CREATE INDEX ix_fleet_alert_delivery_due ON fleet_alert_delivery(next_attempt_at) WHERE delivered_at IS NULL;

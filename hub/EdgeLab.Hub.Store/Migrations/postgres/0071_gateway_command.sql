-- Issue 12 §5 "Commands from the hub": every command regional IT sends a gateway is a row, from the request to its
-- result. id is the MQTT 5 correlation data of the …/cmd publish and of the gateway's …/cmd-reply (MQTT 5.0 §4.10);
-- seq orders a gateway's commands as they were asked (ids are random). state: pending (not yet published) → sent → ok | failed, or timed-out once timeout_at passed without a reply.
CREATE TABLE gateway_command (
    id TEXT PRIMARY KEY, seq BIGINT NOT NULL, gateway_id TEXT NOT NULL, name TEXT NOT NULL, args TEXT NOT NULL, state TEXT NOT NULL,
    requested_at BIGINT NOT NULL, requested_by TEXT NOT NULL, timeout_at BIGINT NOT NULL, sent_at BIGINT,
    finished_at BIGINT, reply_text TEXT, reply_data TEXT);
CREATE INDEX ix_gateway_command_open ON gateway_command(state, timeout_at);
CREATE INDEX ix_gateway_command_gateway ON gateway_command(gateway_id, requested_at);

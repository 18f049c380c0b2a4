-- Issue 12 §3 "Rollouts": a configuration change (a layer's new document) applied to the gateways of that layer's
-- scope in waves. The rollout's grain (Grains/RolloutGrain) drives it from these rows only, so any hub node continues a
-- rollout another node left mid-wave. plan: the waves, watch period and thresholds (Fleet/Rollouts/RolloutPlan, JSON).
-- state: running | paused | completed | stopped (error threshold) | aborted. wave: the wave in progress (0-based, -1
-- before the first). initial_target: the target's gateway ids at the start; a gateway not among them joined later and
-- goes first into the next wave.
CREATE TABLE rollout (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, scope_kind TEXT NOT NULL, scope_value TEXT NOT NULL, payload TEXT NOT NULL,
    plan TEXT NOT NULL, initial_target TEXT NOT NULL, state TEXT NOT NULL, wave BIGINT NOT NULL, wave_started_at BIGINT, reason TEXT,
    created_at BIGINT NOT NULL, created_by TEXT NOT NULL, updated_at BIGINT NOT NULL, finished_at BIGINT);
CREATE INDEX ix_rollout_state ON rollout(state);

-- One row per gateway a wave took. state: applying (new version desired, not yet reported healthy) → watching
-- (reported it, health checked until watch_until) → healthy | failed → rolledback. baseline_*: what the gateway
-- reported before the change (instruments whose link was up, outbox depth, last event id), the yardstick of "healthy".
CREATE TABLE rollout_gateway (
    rollout_id TEXT NOT NULL, gateway_id TEXT NOT NULL, wave BIGINT NOT NULL, state TEXT NOT NULL,
    desired_version BIGINT, baseline_links TEXT NOT NULL, baseline_outbox BIGINT, baseline_event_id BIGINT NOT NULL,
    started_at BIGINT NOT NULL, reported_at BIGINT, watch_until BIGINT, reason TEXT, rollback_version BIGINT,
    PRIMARY KEY (rollout_id, gateway_id));

-- Every state change and every person's action, in order (the rollout's history; actions are audited too).
CREATE TABLE rollout_event (
    rollout_id TEXT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    gateway_id TEXT, text TEXT,
    PRIMARY KEY (rollout_id, seq));

-- A gateway held on a document of one layer other than the layer's latest revision: the new document while its wave
-- runs (or after an aborted rollout, for the waves that completed), the previous one (document NULL = the layer did not
-- exist) for a gateway rolled back by a rollout that then completed. FleetConfigStore merges a pin in place of the
-- layer, so a pinned gateway keeps its document whatever else changes.
CREATE TABLE config_layer_pin (
    gateway_id TEXT NOT NULL, scope_kind TEXT NOT NULL, scope_value TEXT NOT NULL, document TEXT, rollout_id TEXT NOT NULL,
    PRIMARY KEY (gateway_id, scope_kind, scope_value));

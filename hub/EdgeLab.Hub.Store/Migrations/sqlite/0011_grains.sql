-- Issue 11: each gateway's order stream is published by that gateway's grain (Grains/GatewayGrain), not by one node
-- under the single 'orders' lease. The claim is per gateway: the activation that holds it is the only one that may
-- publish that gateway's rows, so two activations (possible briefly after a crash, or a node stalled past its
-- membership timeout) never interleave one gateway's upserts and cancels. A claim is taken over when it expired or
-- when membership says its owner (a silo address) is dead. SQLite runs one node (localhost clustering): no Orleans
-- tables here.
CREATE TABLE order_stream_claim (gateway_id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX ix_order_outbox_gateway ON order_outbox(gateway_id, priority, seq); -- the stream reads STAT first (0010)
DROP TABLE order_outbox_lease;

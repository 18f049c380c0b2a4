-- Durable order outbox: order upserts and cancels for the performing lab's gateways, written in the same transaction
-- as the referral change and deleted only after the broker's PUBACK (Referrals/OrderOutboxPublisher).
-- seq orders them: a cancel is always after the upsert it cancels.
CREATE TABLE order_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, gateway_id TEXT NOT NULL, referral_id TEXT NOT NULL, specimen_id TEXT NOT NULL,
    action TEXT NOT NULL, payload BLOB NOT NULL, created BIGINT NOT NULL);

-- One hub node drains at a time, so two nodes never interleave (and reorder) one gateway's orders.
CREATE TABLE order_outbox_lease (name TEXT PRIMARY KEY, owner TEXT, expires_at BIGINT NOT NULL);
INSERT INTO order_outbox_lease(name, owner, expires_at) VALUES ('orders', NULL, 0);

-- STAT orders reach the gateways first (issue 10): 0 = stat, 1 = routine. The drain reads ORDER BY priority, seq.
-- Order per specimen still holds: an upsert and its cancel carry the referral's priority, so they keep seq order, and
-- a gateway never lets an older version of an order overwrite a newer one (OrderMessage.At).
ALTER TABLE order_outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
CREATE INDEX order_outbox_priority ON order_outbox(priority, seq);

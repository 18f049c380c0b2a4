-- Durable e-mail outbox (Mail/, issue 14; fleet alerts use it too): a mail is a row before any SMTP server is asked,
-- so a server that is down loses nothing; the sweep sends due rows and marks them sent, or counts the attempt and sets
-- the next one by backoff. A mail the server refuses for good (5xx) is kept with failed_at and the reason, never
-- dropped. dedupe_key makes "one mail per event" a unique index (e.g. one "results ready" per referral release).
-- next_attempt_at doubles as a claim: a node moves it ahead before sending, so two nodes never send one row twice.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, dedupe_key TEXT UNIQUE, kind TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
    body_text TEXT NOT NULL, created_at BIGINT NOT NULL, attempts BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT, failed_at BIGINT, last_error TEXT);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

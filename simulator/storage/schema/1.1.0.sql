-- per-key activity (issue 6): creation, edits, revocation, failed authentications, rate-limit hits
CREATE TABLE key_events (
    id {serial_id},
    key_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT,
    created_at {timestamp} NOT NULL
);
CREATE INDEX key_events_key ON key_events(key_id, created_at);

ALTER TABLE api_keys ADD COLUMN request_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN tier TEXT;
-- a rotation's grace period: the key counts as revoked from this moment
ALTER TABLE api_keys ADD COLUMN revoke_after {timestamp};
ALTER TABLE api_keys ADD COLUMN per_minute_limit INTEGER;
ALTER TABLE api_keys ADD COLUMN per_day_limit INTEGER;

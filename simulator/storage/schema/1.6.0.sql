-- Files kept for notifications (issue 14): letter PDFs (kind 'letter-pdf', id = the
-- notification id), send-a-file documents (kind 'document'), GC attachments ('attachment').
-- The bytes are kept exactly as given; meta is JSON (mimetype, filename, options).
CREATE TABLE files (
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    service_id TEXT NOT NULL,
    notification_id TEXT,
    content {bytes} NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    created_at {timestamp} NOT NULL,
    expires_at {timestamp},
    PRIMARY KEY (kind, id)
);
CREATE INDEX files_notification ON files(notification_id) WHERE notification_id IS NOT NULL;
CREATE INDEX files_expiry ON files(expires_at) WHERE expires_at IS NOT NULL;

-- outgoing callbacks (issue 7): durable, retried, resumed after a restart
CREATE TABLE callbacks (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {timestamp},
    last_error TEXT,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL
);
CREATE INDEX callbacks_due ON callbacks(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX callbacks_subject ON callbacks(subject_id);
CREATE INDEX notifications_template ON notifications(template_id);

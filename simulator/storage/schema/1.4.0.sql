-- GC's bulk sends (issue 8): a job keeps its accepted rows until its notifications exist.
-- processed_rows says how far the background processor has got, so a restart resumes there;
-- lease_until keeps a second processor (or replica) off a job someone is working on.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    template_type TEXT NOT NULL,
    original_file_name TEXT NOT NULL,
    notification_count INTEGER NOT NULL,
    job_status TEXT NOT NULL,
    api_key_id TEXT NOT NULL,
    key_type TEXT NOT NULL,
    sender_id TEXT,
    sender TEXT,
    row_data TEXT NOT NULL,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    scheduled_for {timestamp},
    lease_until {timestamp},
    created_at {timestamp} NOT NULL,
    updated_at {timestamp},
    processing_started {timestamp},
    processing_finished {timestamp}
);
CREATE INDEX jobs_status ON jobs(job_status);
CREATE INDEX jobs_service ON jobs(service_id, created_at);

-- a job's notifications; GET /v2/notifications lists them only with include_jobs=true
ALTER TABLE notifications ADD COLUMN job_id TEXT;
CREATE INDEX notifications_job ON notifications(job_id) WHERE job_id IS NOT NULL;

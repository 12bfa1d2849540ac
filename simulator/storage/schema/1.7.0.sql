-- GC's reports API (POST /v2/reports, issue 17): a report and, once generated, its CSV.
-- The per-service limit of 10 requests an hour is read from requested_at.
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    api_key_id TEXT,
    report_type TEXT NOT NULL,
    language TEXT NOT NULL,
    job_id TEXT,
    status TEXT NOT NULL,
    requested_at {timestamp} NOT NULL,
    completed_at {timestamp},
    expires_at {timestamp},
    content TEXT
);
CREATE INDEX reports_service ON reports(service_id, requested_at);

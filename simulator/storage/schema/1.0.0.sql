CREATE TABLE services (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 1,
    active INTEGER NOT NULL DEFAULT 1,
    email_sender_local_part TEXT NOT NULL,
    rate_limit INTEGER NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at {timestamp} NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    name TEXT NOT NULL,
    key_type TEXT NOT NULL,
    secret_ciphertext {bytes} NOT NULL,
    secret_digest TEXT NOT NULL UNIQUE,
    permissions TEXT NOT NULL DEFAULT '[]',
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT 'sandbox',
    created_at {timestamp} NOT NULL,
    revoked_at {timestamp},
    expires_at {timestamp},
    last_used_at {timestamp}
);
CREATE INDEX api_keys_service ON api_keys(service_id);

CREATE TABLE templates (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services(id),
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp},
    archived INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    postage TEXT,
    letter_contact_block TEXT,
    PRIMARY KEY (id, version)
);
CREATE INDEX templates_service ON templates(service_id);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    api_key_id TEXT NOT NULL,
    key_type TEXT NOT NULL,
    notification_type TEXT NOT NULL,
    status TEXT NOT NULL,
    to_address TEXT NOT NULL,
    normalised_to TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    reference TEXT,
    body TEXT NOT NULL,
    subject TEXT,
    created_at {timestamp} NOT NULL,
    sent_at {timestamp},
    updated_at {timestamp},
    billable_units INTEGER NOT NULL DEFAULT 0,
    international INTEGER NOT NULL DEFAULT 0,
    -- an 8-byte float on both (PostgreSQL's REAL is only 4)
    rate_multiplier {float} NOT NULL DEFAULT 1.0,
    sender TEXT,
    reply_to TEXT,
    unsubscribe_url TEXT,
    postage TEXT,
    personalisation TEXT,
    planned_status TEXT,
    next_action_at {timestamp},
    attempts INTEGER NOT NULL DEFAULT 0,
    provider TEXT,
    provider_reference TEXT,
    status_detail TEXT
);
CREATE INDEX notifications_listing ON notifications(service_id, key_type, created_at);
CREATE INDEX notifications_due ON notifications(next_action_at) WHERE next_action_at IS NOT NULL;
CREATE INDEX notifications_created ON notifications(created_at);
CREATE INDEX notifications_provider_ref ON notifications(provider_reference)
    WHERE provider_reference IS NOT NULL;

CREATE TABLE received_texts (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    user_number TEXT NOT NULL,
    notify_number TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at {timestamp} NOT NULL
);
CREATE INDEX received_texts_listing ON received_texts(service_id, created_at);

-- every rendered message handed to a provider, whatever the provider (the outbox view)
CREATE TABLE messages (
    notification_id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    key_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    provider TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sender TEXT,
    reply_to TEXT,
    subject TEXT,
    body TEXT NOT NULL,
    html TEXT,
    fragment_count INTEGER,
    reference TEXT,
    template_id TEXT NOT NULL,
    unsubscribe_url TEXT,
    created_at {timestamp} NOT NULL
);
CREATE INDEX messages_created ON messages(created_at);

-- in-process daily counters that cannot be rebuilt from notifications (per-key request
-- counts), snapshotted every few seconds so a restart keeps today's figures
CREATE TABLE day_counters (
    scope TEXT NOT NULL,
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (scope, day, name)
);

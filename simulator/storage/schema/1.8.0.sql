-- Timelines stored once (issue 16): a test-key notification whose whole timeline is known
-- at send time is written once, with its planned sent_at and completion (updated_at) and
-- its final status (planned_status); in_flight_status is what it shows in between. Its
-- visible status is derived from the clock when read (../timeline_sql.py); NULL here
-- means the stored status is the status.
ALTER TABLE notifications ADD COLUMN in_flight_status TEXT;

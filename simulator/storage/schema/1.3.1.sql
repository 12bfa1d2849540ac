-- GC's scheduled sends (issue 8): when a notification asked to be sent; NULL means at once
ALTER TABLE notifications ADD COLUMN scheduled_for {timestamp};

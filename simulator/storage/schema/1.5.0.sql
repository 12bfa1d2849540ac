-- GC's template management (POST/PATCH /v2/manage-template): every GC template has a
-- category (cds-snc/notification-api app/models.py Template.template_category_id).
ALTER TABLE templates ADD COLUMN template_category_id TEXT;

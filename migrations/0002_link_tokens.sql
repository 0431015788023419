-- Manage and unsubscribe links carry the contact's token epoch; bumping it revokes every link
-- already mailed to that contact (POST /api/v1/sites/{site}/contacts/{id}/revoke-links).
ALTER TABLE contacts ADD COLUMN token_epoch INTEGER NOT NULL DEFAULT 0;

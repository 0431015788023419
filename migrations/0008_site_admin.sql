-- Sites and categories are managed through the API. An archived category leaves the signup and
-- preference pages but is never deleted: its events and consents keep naming it.
ALTER TABLE categories ADD COLUMN archived_at TEXT;
-- Origins allowed to embed the signup form (a later embed route): a JSON array of strings.
ALTER TABLE sites ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';

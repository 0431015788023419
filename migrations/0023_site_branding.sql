-- A site's look on its public pages and in its emails (the console's settings page).
-- accent_color: #rrggbb for buttons and links, checked for WCAG AA against white; NULL: ours.
-- logo_version: the first 16 hex digits of the logo's SHA-256, naming it in URLs so that pages
-- and emails may cache it for good; NULL: no logo. The image itself lives in site_logos, apart
-- from the site row that every request reads.
ALTER TABLE sites ADD COLUMN accent_color TEXT;
ALTER TABLE sites ADD COLUMN logo_version TEXT;

CREATE TABLE site_logos (
  site_id TEXT PRIMARY KEY REFERENCES sites (id),
  content_type TEXT NOT NULL,   -- sniffed from the bytes: image/png, image/jpeg, image/gif or image/webp
  data TEXT NOT NULL,           -- base64url, at most 100 KB of image
  version TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

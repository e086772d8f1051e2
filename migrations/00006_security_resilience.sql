-- Refresh tokens remember which client exchanged them: within the short grace for a page's
-- parallel requests, only that same client may present the token again.
alter table refresh_tokens add column used_by text;

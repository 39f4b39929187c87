-- A new password ends the sessions signed in with the old one: the API treats a session created
-- before sessions_valid_from as ended. NULL (every user before this column) voids none.

-- +goose Up
ALTER TABLE users ADD COLUMN sessions_valid_from timestamptz;

-- +goose Down
ALTER TABLE users DROP COLUMN sessions_valid_from;

-- Bookkeeping for `cchcd migrate`: one row per applied migration file, with
-- the SHA-256 of the file so an edited migration is detected. Migrations are
-- never edited once released; a change is a new numbered file.
CREATE TABLE schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_migrations IS 'Migrations applied by cchcd migrate';

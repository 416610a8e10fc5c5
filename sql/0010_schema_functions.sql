-- 0010_schema_functions: bookkeeping for sql/functions/, the functions and
-- views that `cchcd migrate` applies after the migrations with CREATE OR
-- REPLACE. One row per file with the SHA-256 it was last applied with, so
-- a file that changed is applied again; the server compares a digest of
-- these rows with the one it was built with before it serves.
CREATE TABLE schema_functions (
    name       text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_functions IS
  'Files of sql/functions/ applied by cchcd migrate, with the SHA-256 each was last applied with';

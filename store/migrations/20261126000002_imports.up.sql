-- Imports of the registry certflow inherits: one row per uploaded CSV file, processed by an
-- Import workflow. The committed position (byte offset and line) and the counts are written in
-- the same transaction as each batch of rows, so a retried activity resumes exactly where the
-- last batch ended. errors keeps the first 100 rejected rows as {line, code, message}: line
-- numbers and codes only, never the rejected values.
CREATE TABLE imports (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('registrations', 'enterprises', 'education')),
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    object_key  text NOT NULL UNIQUE,
    filename    text NOT NULL DEFAULT '',
    size        bigint NOT NULL,
    sha256      text NOT NULL,
    created_by  text NOT NULL,
    byte_offset bigint NOT NULL DEFAULT 0,
    line        bigint NOT NULL DEFAULT 0,
    rows_read   bigint NOT NULL DEFAULT 0,
    imported    bigint NOT NULL DEFAULT 0,
    duplicates  bigint NOT NULL DEFAULT 0,
    rejected    bigint NOT NULL DEFAULT 0,
    errors      jsonb NOT NULL DEFAULT '[]',
    failure     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX imports_created ON imports (created_at DESC, id DESC);

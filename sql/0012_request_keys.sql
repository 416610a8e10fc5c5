-- 0012_request_keys: the request keys of writes, so a write whose answer
-- was lost (the connection to PostgreSQL broke after it was sent) can be
-- retried without being applied twice (docs/retry.md). A keyed write
-- inserts its key as the first statement of its own transaction and stores
-- its encoded answer (a cchc.v1.Response) as the last, so a key is never
-- recorded without the effect and the answer that go with it; a retry with
-- the same key gets that answer again. Keys are per account and live
-- 7 days: each account's expired keys are deleted by its next keyed write.
CREATE TABLE request_key (
    account_id     bigint NOT NULL REFERENCES account (id),
    key            text NOT NULL CHECK (key ~ '^[A-Za-z0-9_-]{16,64}$'),
    request_type   integer NOT NULL,  -- the Request's body field number
    request_digest text NOT NULL,     -- SHA-256 of the encoded body, hex
    response       bytea,             -- the encoded Response (request_id 0)
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);
COMMENT ON TABLE request_key IS
  'Keys of applied writes with their answers, for retries (docs/retry.md); 7 days';

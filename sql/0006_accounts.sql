-- 0006_accounts: who may use the server, their sessions, the login
-- attempts that throttling counts, and the audit trail of every write.
--
-- Passwords are argon2id strings made by libsodium (crypto_pwhash_str) in
-- cchcd; the database never sees a password. A session is known here only
-- by the SHA-256 of its token, so a copy of this table lets nobody in.
-- Functions and views live in sql/functions/ since issue 9 (applied after
-- the migrations and re-applied when they change); the audit writer
-- and the account view are in sql/functions/040_accounts.sql.

CREATE TABLE account (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    full_name           text NOT NULL DEFAULT '',
    unit_code           text NOT NULL REFERENCES org_unit (code),
    roles               text[] NOT NULL
                        CHECK (cardinality(roles) > 0
                               AND roles <@ ARRAY['reporter', 'reviewer', 'admin', 'viewer']),
    password_hash       text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled            boolean NOT NULL DEFAULT false,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          bigint REFERENCES account (id)
);
CREATE INDEX account_unit_idx ON account (unit_code);
COMMENT ON TABLE account IS
  'A person using cchc, bound to one organisation unit, with one or more roles: reporter (submits '
  'its unit''s reports), reviewer (reviews what its unit leads, or its communes'' reports), admin '
  '(Sở Nội vụ: units, accounts, periods), viewer (reads everything, changes nothing).';

CREATE TABLE session (
    token_hash     bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id     bigint NOT NULL REFERENCES account (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    client_address text NOT NULL DEFAULT ''
);
CREATE INDEX session_account_idx ON session (account_id) WHERE revoked_at IS NULL;
COMMENT ON TABLE session IS
  'Login sessions: SHA-256 of the random token handed to the client, absolute expiry, idle '
  'timeout counted from last_seen_at, revocation by logout, password change or disabling.';

CREATE TABLE login_attempt (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    username  text NOT NULL,
    address   text NOT NULL,
    succeeded boolean NOT NULL
);
CREATE INDEX login_attempt_user_idx ON login_attempt (username, at);
CREATE INDEX login_attempt_address_idx ON login_attempt (address, at);
COMMENT ON TABLE login_attempt IS
  'Every login attempt, by the username typed (whether or not such an account exists) and the '
  'client address; recent failures throttle further attempts.';

CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    account_id bigint REFERENCES account (id),
    username   text NOT NULL,
    address    text NOT NULL,
    action     text NOT NULL,
    target     text NOT NULL DEFAULT '',
    detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);
COMMENT ON TABLE audit_log IS
  'One row per write: who (account and username at the time), when, from which address, what '
  '(action, target, detail). Written in the same transaction as the write itself.';

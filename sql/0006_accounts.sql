-- 0006_accounts: who may use the server, their sessions, the login
-- attempts that throttling counts, and the audit trail of every write.
--
-- Passwords are argon2id strings made by libsodium (crypto_pwhash_str) in
-- cchcd; the database never sees a password. A session is known here only
-- by the SHA-256 of its token, so a copy of this table lets nobody in.

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

-- The functions of 0005 write their audit row themselves, in the same
-- transaction, from an "actor" object the server adds to their argument:
-- {"actor": {"id": 1, "username": "…", "address": "…"}}.
CREATE FUNCTION audit_write(doc jsonb, action text, target text, detail jsonb)
RETURNS void
LANGUAGE sql AS $$
    INSERT INTO audit_log (account_id, username, address, action, target, detail)
    VALUES ((doc -> 'actor' ->> 'id')::bigint, coalesce(doc -> 'actor' ->> 'username', ''),
            coalesce(doc -> 'actor' ->> 'address', ''), action, target, detail)
$$;

CREATE OR REPLACE FUNCTION import_communes_audited(doc jsonb)
RETURNS TABLE (line int, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
    errors int := 0;
BEGIN
    RETURN QUERY SELECT * FROM import_communes(doc);
    GET DIAGNOSTICS errors = ROW_COUNT;
    IF errors = 0 THEN
        PERFORM audit_write(doc, 'units.import', '',
                            jsonb_build_object('communes', jsonb_array_length(doc -> 'rows'),
                                               'codes', (SELECT jsonb_agg(r ->> 'code')
                                                           FROM jsonb_array_elements(doc -> 'rows') r)));
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION change_units_audited(doc jsonb)
RETURNS TABLE (field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
    errors int := 0;
BEGIN
    RETURN QUERY SELECT * FROM change_units(doc);
    GET DIAGNOSTICS errors = ROW_COUNT;
    IF errors = 0 THEN
        PERFORM audit_write(doc, 'units.' || (doc ->> 'op'),
                            (SELECT string_agg(x, ',') FROM jsonb_array_elements_text(doc -> 'from') x),
                            doc - 'actor');
    END IF;
END
$$;

-- Timestamps travel as ISO 8601 in UTC, whatever the server's time zone.
CREATE FUNCTION iso_utc(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- An account as the protocol's Account message shows it (column names are
-- the message's field names; roles joined with the unit separator).
CREATE VIEW account_info AS
SELECT a.id, a.username, a.full_name, a.unit_code, u.name AS unit_name,
       array_to_string(a.roles, E'\x1f') AS roles, a.disabled,
       iso_utc(a.created_at) AS created_at, iso_utc(a.password_changed_at) AS password_changed_at,
       (SELECT count(*) FROM session s
         WHERE s.account_id = a.id AND s.revoked_at IS NULL AND s.expires_at > now())::int
         AS active_sessions,
       coalesce((SELECT iso_utc(max(l.at)) FROM login_attempt l
                  WHERE l.username = a.username AND l.succeeded), '') AS last_login_at
  FROM account a
  JOIN org_unit u ON u.code = a.unit_code;

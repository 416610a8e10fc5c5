-- 040_accounts: the audit trail's writer, the audited versions of the unit
-- changes of 030, and accounts as the protocol shows them (tables in
-- 0006_accounts).

-- The functions of 0005 write their audit row themselves, in the same
-- transaction, from an "actor" object the server adds to their argument:
-- {"actor": {"id": 1, "username": "…", "address": "…"}}.
-- PL/pgSQL rather than SQL: a SQL function PostgreSQL cannot inline (an
-- INSERT) is parsed and planned again on every call, PL/pgSQL keeps the
-- plan for the connection (issue 15: every submission writes one).
CREATE OR REPLACE FUNCTION audit_write(doc jsonb, action text, target text, detail jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (account_id, username, address, action, target, detail)
    VALUES ((doc -> 'actor' ->> 'id')::bigint, coalesce(doc -> 'actor' ->> 'username', ''),
            coalesce(doc -> 'actor' ->> 'address', ''), action, target, detail);
END
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
-- STABLE, as to_char of a timestamp is: a function declared more
-- immutable than its body is never inlined, so it ran as a function call
-- of its own for every row of an export (issue 15, the HTML export).
CREATE OR REPLACE FUNCTION iso_utc(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- Login throttling, one definition for the login check (login_attempt_begin)
-- and for what `cchc user show` says. The failed logins that count: those
-- of the last 15 minutes, for the username typed (whether or not such an
-- account exists) since its failures were last cleared, or from one address.
CREATE OR REPLACE FUNCTION login_failures_of_user(name text)
RETURNS SETOF timestamptz
LANGUAGE sql STABLE AS $$
    SELECT l.at FROM login_attempt l
     WHERE l.username = name AND NOT l.succeeded
       AND l.at > now() - interval '15 minutes'
       AND l.at > coalesce((SELECT a.failures_cleared_at FROM account a WHERE a.username = name),
                           '-infinity')
$$;

CREATE OR REPLACE FUNCTION login_failures_of_address(addr text)
RETURNS SETOF timestamptz
LANGUAGE sql STABLE AS $$
    SELECT l.at FROM login_attempt l
     WHERE l.address = addr AND NOT l.succeeded AND l.at > now() - interval '15 minutes'
$$;

-- These took a `recorded` count (the caller's own attempt, recorded as
-- failed before the check) while login wrote its attempt first; it now
-- checks first, so both login and `user show` ask about the next attempt.
DROP FUNCTION IF EXISTS login_user_blocked_until(text, int) CASCADE;
DROP FUNCTION IF EXISTS login_address_blocked_until(text, int) CASCADE;
DROP FUNCTION IF EXISTS login_blocked_until(timestamptz[], int, int) CASCADE;

-- When a block ends, or NULL when there is none: 5 failures block a
-- username, 50 an address (a district office's clerks share one), until
-- the oldest of the most recent `allowed` failures is 15 minutes old.
-- Attempts made while blocked are refused before anything is written
-- (login_attempt_begin), so they do not count: a block ends 15 minutes
-- after the first of the failures that caused it, however often someone
-- tries meanwhile; one more failure then blocks again.
CREATE OR REPLACE FUNCTION login_blocked_until(failures timestamptz[], allowed int)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT f + interval '15 minutes'
      FROM unnest(failures) f ORDER BY f DESC OFFSET allowed - 1 LIMIT 1
$$;

CREATE OR REPLACE FUNCTION login_user_blocked_until(name text)
RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT login_blocked_until(ARRAY(SELECT login_failures_of_user(name)), 5)
$$;

CREATE OR REPLACE FUNCTION login_address_blocked_until(addr text)
RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT login_blocked_until(ARRAY(SELECT login_failures_of_address(addr)), 50)
$$;

-- The start of a login (or of a password change, checked like one): the
-- throttle is decided before anything is written. Blocked: nothing is
-- written, attempt_id is NULL and the blocked_until columns say until
-- when (ISO 8601 UTC). Not blocked: the attempt is recorded as failed
-- (a success turns it into one later) and its id returned.
--
-- Race-free: attempts on the same username, and those from the same
-- address, take turns on transaction-scoped advisory locks (released when
-- the batch's transaction commits, with the attempt row), so each check
-- sees every attempt recorded before it; N logins at once cannot all pass
-- the 5th failure. The username's lock is always taken before the
-- address's, so two logins never wait for each other in a cycle. Each
-- statement of this VOLATILE function takes a fresh snapshot, so the
-- check after the locks sees what the previous holder committed.
CREATE OR REPLACE FUNCTION login_attempt_begin(name text, addr text,
                                               OUT attempt_id bigint,
                                               OUT user_blocked_until text,
                                               OUT address_blocked_until text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('cchc login user'), hashtext(name));
    PERFORM pg_advisory_xact_lock(hashtext('cchc login address'), hashtext(addr));
    user_blocked_until := iso_utc(login_user_blocked_until(name));
    address_blocked_until := iso_utc(login_address_blocked_until(addr));
    IF user_blocked_until IS NULL AND address_blocked_until IS NULL THEN
        INSERT INTO login_attempt (username, address, succeeded)
        VALUES (name, addr, false) RETURNING id INTO attempt_id;
    END IF;
END
$$;

-- What an account on a unit that no longer exists is told (at login, in
-- whoami, in the user list), NULL while its unit exists: when the unit
-- closed, who carries its duties today (unit_on) and the command that
-- moves the account. Today is Can Tho's date (as today_in_vietnam, 050).
-- A message id with arguments (cchc_msg, 005): the client says it in the
-- reader's language, the date as the reader writes dates.
CREATE OR REPLACE FUNCTION account_unit_notice(username text, unit text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN s.names IS NULL
                THEN cchc_msg('unit %s (%s) no longer exists from %s and no unit carries its duties; '
                              'ask an administrator to move this account: cchc user move %s --unit UNIT-CODE',
                              u.name, u.code, (u.valid_until + 1)::text, username)
                ELSE cchc_msg('unit %s (%s) no longer exists from %s; its successor: %s; '
                              'ask an administrator to move this account: cchc user move %s --unit %s',
                              u.name, u.code, (u.valid_until + 1)::text, s.names, username, s.first_code)
           END
      FROM org_unit u
      LEFT JOIN LATERAL (
           SELECT string_agg(su.name || ' (' || su.code || ')', ', ' ORDER BY su.code) AS names,
                  min(su.code) AS first_code
             FROM unit_on(u.code, (now() AT TIME ZONE INTERVAL '+07:00')::date) x (code)
             JOIN org_unit su ON su.code = x.code) s ON true
     WHERE u.code = unit
       AND NOT unit_exists_on(u, (now() AT TIME ZONE INTERVAL '+07:00')::date)
$$;

-- An account as the protocol's Account message shows it (column names are
-- the message's field names; roles joined with the unit separator).
CREATE OR REPLACE VIEW account_info AS
SELECT a.id, a.username, a.full_name, a.unit_code, u.name AS unit_name,
       array_to_string(a.roles, E'\x1f') AS roles, a.disabled,
       iso_utc(a.created_at) AS created_at, iso_utc(a.password_changed_at) AS password_changed_at,
       (SELECT count(*) FROM session s
         WHERE s.account_id = a.id AND s.revoked_at IS NULL AND s.expires_at > now())::int
         AS active_sessions,
       coalesce((SELECT iso_utc(max(l.at)) FROM login_attempt l
                  WHERE l.username = a.username AND l.succeeded), '') AS last_login_at,
       (SELECT count(*) FROM login_failures_of_user(a.username))::int AS failed_logins,
       coalesce(iso_utc(login_user_blocked_until(a.username)), '') AS blocked_until,
       n.notice IS NOT NULL AS unit_closed,
       coalesce(cchc_msg_english(n.notice), '') AS unit_notice,
       coalesce(cchc_msg_id(n.notice), '') AS unit_notice_id,
       coalesce(cchc_msg_args(n.notice), '') AS unit_notice_args
  FROM account a
  JOIN org_unit u ON u.code = a.unit_code
 CROSS JOIN LATERAL (SELECT account_unit_notice(a.username, a.unit_code) AS notice) n;

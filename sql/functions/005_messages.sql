-- Messages the functions return to people travel as a message id and its
-- arguments (issue 14, docs/error-messages.md): the id is the English
-- sentence as a format whose only conversions are %s, the client shows the
-- catalogue's translation with the same arguments. So that no function's
-- return type changes, the id and the arguments come back as ONE text
-- joined by U+001F (unit separator), which cchcd splits
-- (common/msg_format.h, msg_format_split). No validated text holds a
-- control character (validate_text refuses them), and an argument that
-- somehow does has it replaced, so a split can never shift the arguments.
-- Extraction of the ids into po/ reads the literal first argument of every
-- cchc_msg('…' call (po/sql_msgids.sh).
CREATE OR REPLACE FUNCTION cchc_msg(id text, VARIADIC args text[] DEFAULT '{}') RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT id || coalesce((SELECT string_agg(chr(31) || replace(coalesce(a, ''), chr(31), ' '), ''
                                             ORDER BY n)
                             FROM unnest(args) WITH ORDINALITY AS t(a, n)), '')
$$;

-- The English a message id renders to (msg_format's substitution of %s,
-- %N$s and %%), for messages SQL itself shows or stores: the audit log,
-- plan check findings. Kept beside cchc_msg so both change together.
CREATE OR REPLACE FUNCTION cchc_msg_english(msg text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    parts text[] := string_to_array(msg, chr(31));
    fmt text := parts[1];
    out text := '';
    next int := 1;
    i int := 1;
    m text[];
BEGIN
    WHILE i <= length(fmt) LOOP
        IF substr(fmt, i, 1) <> '%' THEN
            out := out || substr(fmt, i, 1);
            i := i + 1;
        ELSIF substr(fmt, i + 1, 1) = '%' THEN
            out := out || '%';
            i := i + 2;
        ELSIF substr(fmt, i + 1, 1) = 's' THEN
            out := out || coalesce(parts[next + 1], '');
            next := next + 1;
            i := i + 2;
        ELSE
            m := regexp_match(substr(fmt, i + 1), '^([1-9][0-9]*)\$s');
            IF m IS NULL THEN
                out := out || '%';
                i := i + 1;
            ELSE
                out := out || coalesce(parts[m[1]::int + 1], '');
                i := i + 2 + length(m[1]) + 1;
            END IF;
        END IF;
    END LOOP;
    RETURN out;
END
$$;

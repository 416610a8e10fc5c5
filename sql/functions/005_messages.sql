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
-- cchc_msg call, a quoted literal (po/sql_msgids.sh).
CREATE OR REPLACE FUNCTION cchc_msg(id text, VARIADIC args text[] DEFAULT '{}') RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT id || coalesce((SELECT string_agg(chr(31) || replace(coalesce(a, ''), chr(31), ' '), ''
                                             ORDER BY n)
                             FROM unnest(args) WITH ORDINALITY AS t(a, n)), '')
$$;

-- A message made by cchc_msg, taken apart for a protocol message that
-- carries it beside a readable English text (a plan check finding, a
-- closed unit's notice, a unit change's summary; issue 14): the id, the
-- arguments joined by U+001F (the list form cchcd splits into a repeated
-- string, server/db/pgvalue.h) and the English, the id with its arguments
-- substituted. format() knows the same conversions as msg_format (%s,
-- %N$s, %%); the arguments are padded with empty texts so that an id
-- asking for more than it was given reads them as empty, as the client's
-- msg_format does, instead of failing the query.
CREATE OR REPLACE FUNCTION cchc_msg_id(m text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT split_part(m, chr(31), 1)
$$;

CREATE OR REPLACE FUNCTION cchc_msg_args(m text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN strpos(m, chr(31)) = 0 THEN '' ELSE substr(m, strpos(m, chr(31)) + 1) END
$$;

CREATE OR REPLACE FUNCTION cchc_msg_english(m text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN m IS NULL THEN NULL
                ELSE format(cchc_msg_id(m),
                            VARIADIC (string_to_array(m, chr(31)))[2:] || array_fill(''::text, ARRAY[16]))
           END
$$;

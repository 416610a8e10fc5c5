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

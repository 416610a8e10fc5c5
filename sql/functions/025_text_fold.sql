-- 025_text_fold: what a person typed, made comparable in SQL, the way
-- common/text_fold.c does it in C: the matching key of a name (case,
-- diacritics, NFC/NFD, runs of white space and trailing punctuation
-- forgiven), and the edit distance behind "có phải ý bạn là …" (did you
-- mean). Unit names are matched with these (unit_resolve in 030).
--
-- Why translate() over an explicit table instead of the unaccent
-- extension: unaccent needs CREATE EXTENSION (a database owner's or a
-- superuser's act cchcd's role may not have), its rules file is a
-- deployment's, not ours, and unaccent() is only STABLE. The table below
-- is the Vietnamese alphabet's 67 letters with diacritics (each base
-- vowel with breve, circumflex or horn and the five tones, and đ, which
-- Unicode does not decompose), lower and upper case, over NFC text; the
-- function is IMMUTABLE and needs nothing but PostgreSQL 13+
-- (normalize()).

-- The matching key: NFC, Vietnamese letters to their base letter, lower
-- case, white space runs as one space, trimmed, trailing ". , ; : ! ?"
-- dropped. "QUẬN BÌNH THỦY", "quan binh thuy" and the NFD form of "Quận
-- Bình Thủy" share the key "quan binh thuy".
CREATE OR REPLACE FUNCTION text_fold_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT rtrim(btrim(regexp_replace(
               lower(translate(normalize(t, NFC),
                               'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'
                               'ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ'
                               || chr(160) || chr(9) || chr(10) || chr(13),
                               'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd'
                               'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd'
                               '    ')),
               ' {2,}', ' ', 'g')), '.,;:!? ')
$$;

-- Edit distance (insertions, deletions, substitutions, swaps of two
-- neighbours) between a and b, in characters: common/text_fold.c's
-- text_edit_distance, for the few names an unknown one is compared with.
CREATE OR REPLACE FUNCTION text_edit_distance(a text, b text) RETURNS int
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    n int := length(a);
    m int := length(b);
    before int[];
    prev int[];
    cur int[];
    cost int;
BEGIN
    IF n = 0 THEN RETURN m; END IF;
    IF m = 0 THEN RETURN n; END IF;
    prev := array(SELECT generate_series(0, m));  -- prev[j + 1] is column j
    FOR i IN 1 .. n LOOP
        cur := array_fill(0, ARRAY[m + 1]);
        cur[1] := i;
        FOR j IN 1 .. m LOOP
            cost := CASE WHEN substr(a, i, 1) = substr(b, j, 1) THEN 0 ELSE 1 END;
            cur[j + 1] := least(prev[j + 1] + 1, cur[j] + 1, prev[j] + cost);
            IF i > 1 AND j > 1 AND substr(a, i, 1) = substr(b, j - 1, 1)
               AND substr(a, i - 1, 1) = substr(b, j, 1) THEN
                cur[j + 1] := least(cur[j + 1], before[j - 1] + 1);
            END IF;
        END LOOP;
        before := prev;
        prev := cur;
    END LOOP;
    RETURN prev[m + 1];
END
$$;

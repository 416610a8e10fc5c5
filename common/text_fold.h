/* Unicode text as people type it, made comparable (utf8proc): the NFC form
 * both programs store and send (so "đang" typed on macOS, in NFD, is the
 * same bytes as "đang" typed on Windows), a matching key that forgives
 * case, diacritics and stray punctuation ("ĐANG TRIỂN KHAI", "dang trien
 * khai" and "đang triển khai." share one), and the edit distance behind
 * "did you mean …". Pure functions: no locale, no global state. */
#ifndef CCHC_TEXT_FOLD_H
#define CCHC_TEXT_FOLD_H

#include <stddef.h>

/* True when s (NUL-terminated, valid UTF-8) is already in NFC. */
int text_is_nfc(const char *s);
/* The NFC form of the NUL-terminated s, malloc'd; NULL when s is not valid
 * UTF-8 or memory ran out. */
char *text_nfc(const char *s);
/* The NFD form (canonical decomposition), malloc'd; NULL as above. */
char *text_nfd(const char *s);
/* The form Vietnamese input methods in "combining" mode and Windows-1258
 * produce: letters with their shape marks precomposed (â, ê, ô, ơ, ư, ă,
 * đ) and the five tone marks (grave, acute, hook above, tilde, dot below)
 * as separate combining characters after them. malloc'd; NULL as above. */
char *text_vi_combining(const char *s);

/* The matching key of s, malloc'd (NULL as above): compatibility
 * decomposition, case folded, combining marks removed, đ → d, runs of
 * white space as one space, white space around and punctuation at the end
 * (". , ; : ! ?") trimmed. Two texts match when their keys are equal. */
char *text_fold_key(const char *s);
/* True when the keys of a and b are equal (false when either is not
 * valid UTF-8 or memory ran out). */
int text_fold_equal(const char *a, const char *b);

/* Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours) between a and b counted in code points; SIZE_MAX when
 * either is not valid UTF-8 or too long to compare (over 256 code
 * points). */
size_t text_edit_distance(const char *a, const char *b);

/* The candidates closest to typed: indexes into candidates[0..n) written
 * to out (at most max_out), nearest first (ties in the candidates'
 * order), compared by their fold keys, only those within max_distance
 * edits. Returns how many were written. */
size_t text_closest(const char *typed, const char *const *candidates, size_t n,
                    size_t max_distance, size_t *out, size_t max_out);

#endif

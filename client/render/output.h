/* Printing a command's result: JSON for scripts (--json), an aligned
 * key/value table for people. */
#ifndef CCHC_OUTPUT_H
#define CCHC_OUTPUT_H

#include <jansson.h>

#include "cli.h"

/* Prints obj as indented JSON on stdout; steals the reference. */
void output_json(json_t *obj);
/* Prints label/value pairs (NULL-terminated label list) aligned. */
void output_pairs(const char *const *labels, const char *const *values);

#endif

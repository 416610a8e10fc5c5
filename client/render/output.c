/* See output.h. */
#include "output.h"

#include <stdio.h>

#include "table.h"

void output_json(json_t *obj)
{
    if (!obj)
        return;
    json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    fputc('\n', stdout);
    json_decref(obj);
}

void output_pairs(const char *const *labels, const char *const *values)
{
    table *t = table_new(2, NULL, NULL);
    if (!t)
        return;
    for (int i = 0; labels[i]; i++) {
        const char *row[2] = {labels[i], values[i]};
        table_add_row(t, row);
    }
    table_print(t, stdout, 0);
    table_free(t);
}

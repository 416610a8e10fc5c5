/* The names people read for the fields a server error points at: the
 * server names a field as the protocol does ("effective_on", "to.parent",
 * "line 12: progress"); the client says "ngày hiệu lực", "dòng 12: tiến
 * độ" (issue 14). --json keeps the server's names beside the labels. */
#ifndef CCHC_FIELD_LABELS_H
#define CCHC_FIELD_LABELS_H

#include <stddef.h>

/* Writes the label of field into out (size > 0): "line N: rest" becomes
 * the translated "line %s: %s" with rest's label; a name the table does
 * not know is shown as sent. */
void field_label(const char *field, char *out, size_t size);

/* The label of a field name the table knows (translated), or NULL. */
const char *field_label_known(const char *field);

#endif

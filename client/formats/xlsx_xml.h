/* The XML parts of an .xlsx read with expat, hardened for files from
 * anyone: a document type declaration (where entities and billion-laughs
 * expansions live) stops the parse, as does nesting deeper than any
 * spreadsheet part needs. Handlers see local names ("x:row" → "row"), so
 * a producer's namespace prefixes do not matter. Plus the growable text
 * buffer the part readers collect character data in, with a cap. */
#ifndef CCHC_XLSX_XML_H
#define CCHC_XLSX_XML_H

#include <stddef.h>

typedef struct xlsx_xml xlsx_xml;

typedef struct xlsx_xml_handlers {
    void (*start)(xlsx_xml *x, void *ctx, const char *name, const char **attrs);
    void (*end)(xlsx_xml *x, void *ctx, const char *name);
    void (*text)(xlsx_xml *x, void *ctx, const char *s, int len); /* may be NULL */
} xlsx_xml_handlers;

/* Parses data (the part named part, for messages). Returns 0, or -1 with
 * a message in error (malformed XML, a DTD, a handler's xlsx_xml_fail). */
int xlsx_xml_parse(const char *part, const char *data, size_t len, const xlsx_xml_handlers *h,
                   void *ctx, char *error, size_t error_size);
/* Stops the parse from inside a handler; message says why. */
void xlsx_xml_fail(xlsx_xml *x, const char *message);
/* The value of the attribute with this local name, or NULL. */
const char *xlsx_xml_attr(const char **attrs, const char *local);

/* Text collected from character data, at most cap bytes. */
typedef struct xlsx_text {
    char *s;
    size_t len, size, cap;
} xlsx_text;

/* Appends; returns -1 when memory runs out or cap would be passed. */
int xlsx_text_add(xlsx_text *t, const char *s, size_t len);
void xlsx_text_clear(xlsx_text *t);
void xlsx_text_free(xlsx_text *t);
/* t->s, or "" when nothing was added. */
const char *xlsx_text_get(const xlsx_text *t);

#endif

/* See xlsx_xml.h. */
#include "xlsx_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "i18n.h"

#define XLSX_XML_MAX_DEPTH 64

struct xlsx_xml {
    XML_Parser parser;
    const xlsx_xml_handlers *h;
    void *ctx;
    int depth;
    int failed;
    char message[200];
};

static const char *local_name(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

void xlsx_xml_fail(xlsx_xml *x, const char *message)
{
    if (x->failed)
        return;
    x->failed = 1;
    snprintf(x->message, sizeof(x->message), "%s", message);
    XML_StopParser(x->parser, XML_FALSE);
}

const char *xlsx_xml_attr(const char **attrs, const char *local)
{
    for (size_t i = 0; attrs && attrs[i]; i += 2)
        if (strcmp(local_name(attrs[i]), local) == 0)
            return attrs[i + 1];
    return NULL;
}

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    xlsx_xml *x = data;
    if (x->failed)
        return;
    if (++x->depth > XLSX_XML_MAX_DEPTH) {
        xlsx_xml_fail(x, _("XML nested too deeply"));
        return;
    }
    x->h->start(x, x->ctx, local_name(name), attrs);
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
    xlsx_xml *x = data;
    if (x->failed)
        return;
    x->depth--;
    x->h->end(x, x->ctx, local_name(name));
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
    xlsx_xml *x = data;
    if (!x->failed && x->h->text)
        x->h->text(x, x->ctx, s, len);
}

/* No spreadsheet part has a DTD; one is how entity expansion attacks come. */
static void XMLCALL on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    xlsx_xml_fail(data, _("a DTD or entity declaration, which is not allowed"));
}

static void XMLCALL on_entity(void *data, const XML_Char *name, int is_parameter,
                              const XML_Char *value, int value_length, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    (void)name, (void)is_parameter, (void)value, (void)value_length, (void)base, (void)sysid;
    (void)pubid, (void)notation;
    xlsx_xml_fail(data, _("a DTD or entity declaration, which is not allowed"));
}

int xlsx_xml_parse(const char *part, const char *data, size_t len, const xlsx_xml_handlers *h,
                   void *ctx, char *error, size_t error_size)
{
    if (len > (size_t)0x7fffffff) {
        snprintf(error, error_size, _("part %s is too large"), part);
        return -1;
    }
    xlsx_xml x = {.h = h, .ctx = ctx};
    x.parser = XML_ParserCreate("UTF-8");
    if (!x.parser) {
        snprintf(error, error_size, _("out of memory"));
        return -1;
    }
    XML_SetUserData(x.parser, &x);
    XML_SetElementHandler(x.parser, on_start, on_end);
    XML_SetCharacterDataHandler(x.parser, on_text);
    XML_SetStartDoctypeDeclHandler(x.parser, on_doctype);
    XML_SetEntityDeclHandler(x.parser, on_entity);
    XML_SetParamEntityParsing(x.parser, XML_PARAM_ENTITY_PARSING_NEVER);
    enum XML_Status status = XML_Parse(x.parser, data, (int)len, XML_TRUE);
    int rc = 0;
    if (x.failed) {
        snprintf(error, error_size, _("part %s of the .xlsx file: %s"), part, x.message);
        rc = -1;
    } else if (status != XML_STATUS_OK) {
        snprintf(error, error_size, _("part %s of the .xlsx file is malformed XML: %s, line "
                                      "%lu"),
                 part, XML_ErrorString(XML_GetErrorCode(x.parser)),
                 (unsigned long)XML_GetCurrentLineNumber(x.parser));
        rc = -1;
    }
    XML_ParserFree(x.parser);
    return rc;
}

int xlsx_text_add(xlsx_text *t, const char *s, size_t len)
{
    if (len > t->cap || t->len > t->cap - len)
        return -1;
    if (t->len + len + 1 > t->size) {
        size_t size = t->size ? t->size : 64;
        while (size < t->len + len + 1)
            size *= 2;
        char *grown = realloc(t->s, size);
        if (!grown)
            return -1;
        t->s = grown;
        t->size = size;
    }
    memcpy(t->s + t->len, s, len);
    t->len += len;
    t->s[t->len] = '\0';
    return 0;
}

void xlsx_text_clear(xlsx_text *t)
{
    t->len = 0;
    if (t->s)
        t->s[0] = '\0';
}

void xlsx_text_free(xlsx_text *t)
{
    free(t->s);
    t->s = NULL;
    t->len = t->size = 0;
}

const char *xlsx_text_get(const xlsx_text *t)
{
    return t->s ? t->s : "";
}

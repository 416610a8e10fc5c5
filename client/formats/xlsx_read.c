/* See xlsx_read.h. */
#include "xlsx_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "xlsx_book.h"
#include "xlsx_zip.h"

#define XLSX_PATH 512

/* target, relative to the folder dir (ending in '/' or empty) unless it
 * starts with '/', as a part name inside the zip: "/xl/a.xml" → "xl/a.xml",
 * "xl/" + "../b.xml" → "b.xml". */
static void resolve(const char *dir, const char *target, char *out, size_t size)
{
    char joined[XLSX_PATH * 2];
    if (*target == '/')
        snprintf(joined, sizeof(joined), "%s", target + 1);
    else
        snprintf(joined, sizeof(joined), "%s%s", dir, target);
    /* fold "." and ".." segments */
    char *segments[64];
    int n = 0;
    char *save = NULL;
    for (char *seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            if (n > 0)
                n--;
            continue;
        }
        if (n < 64)
            segments[n++] = seg;
    }
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "/" : "", segments[i]);
}

/* "xl/workbook.xml" → dir "xl/", rels "xl/_rels/workbook.xml.rels" */
static void part_folder(const char *part, char *dir, size_t dir_size, char *rels,
                        size_t rels_size)
{
    const char *slash = strrchr(part, '/');
    int n = slash ? (int)(slash - part + 1) : 0;
    snprintf(dir, dir_size, "%.*s", n, part);
    snprintf(rels, rels_size, "%.*s_rels/%s.rels", n, part, part + n);
}

typedef struct reading {
    xlsx_zip *zip;
    char *error;
    size_t error_size;
} reading;

/* Reads a part; 1 when absent (no message), -1 with a message. */
static int read_part(reading *r, const char *name, size_t cap, char **out, size_t *len)
{
    return xlsx_zip_read(r->zip, name, cap, out, len, r->error, r->error_size);
}

/* The target of a relationship of the rels part (id, or type suffix), resolved. */
static int related(reading *r, const char *rels_part, const char *dir, const char *id,
                   const char *type_suffix, char *path, size_t size)
{
    char *xml;
    size_t len;
    int rc = read_part(r, rels_part, XLSX_PART_MAX_SMALL, &xml, &len);
    if (rc != 0)
        return rc;
    char target[XLSX_PATH];
    rc = xlsx_book_relation(xml, len, rels_part, id, type_suffix, target, sizeof(target),
                            r->error, r->error_size);
    free(xml);
    if (rc == 0)
        resolve(dir, target, path, size);
    return rc;
}

/* Loads the optional part found through type_suffix into the book. */
static int load_optional(reading *r, xlsx_book *book, const char *rels, const char *dir,
                         const char *type_suffix, const char *fallback, size_t cap,
                         int (*load)(xlsx_book *, const char *, size_t, char *, size_t))
{
    char path[XLSX_PATH];
    int rc = related(r, rels, dir, NULL, type_suffix, path, sizeof(path));
    if (rc < 0)
        return -1;
    if (rc > 0)
        snprintf(path, sizeof(path), "%s", fallback);
    char *xml;
    size_t len;
    rc = read_part(r, path, cap, &xml, &len);
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    rc = load(book, xml, len, r->error, r->error_size);
    free(xml);
    return rc;
}

int xlsx_read(const char *data, size_t len, const char *wanted, xlsx_table *out,
              char *sheet_name, size_t sheet_name_size, char *error, size_t error_size)
{
    memset(out, 0, sizeof(*out));
    reading r = {xlsx_zip_open(data, len, error, error_size), error, error_size};
    if (!r.zip)
        return 1;
    xlsx_book book = {0};
    char workbook[XLSX_PATH], dir[XLSX_PATH], rels[XLSX_PATH * 2], sheet[XLSX_PATH],
        rel_id[256];
    char *xml = NULL;
    size_t xml_len;
    int rc = related(&r, "_rels/.rels", "", NULL, "/officeDocument", workbook, sizeof(workbook));
    if (rc > 0)
        snprintf(workbook, sizeof(workbook), "xl/workbook.xml");
    if (rc >= 0 && (rc = read_part(&r, workbook, XLSX_PART_MAX_SMALL, &xml, &xml_len)) > 0)
        snprintf(error, error_size,
                 _("the zip file has no workbook.xml: not an Excel .xlsx workbook"));
    if (rc == 0) {
        rc = xlsx_book_workbook(&book, xml, xml_len, wanted, rel_id, sizeof(rel_id), sheet_name,
                                sheet_name_size, error, error_size);
        free(xml);
        xml = NULL;
    }
    if (rc == 0) {
        part_folder(workbook, dir, sizeof(dir), rels, sizeof(rels));
        rc = related(&r, rels, dir, rel_id, NULL, sheet, sizeof(sheet));
        if (rc > 0)
            snprintf(error, error_size,
                     _("sheet \"%s\" is not in the .xlsx file"),
                     sheet_name);
    }
    if (rc == 0)
        rc = load_optional(&r, &book, rels, dir, "/sharedStrings", "xl/sharedStrings.xml",
                           XLSX_PART_MAX_STRINGS, xlsx_book_strings);
    if (rc == 0)
        rc = load_optional(&r, &book, rels, dir, "/styles", "xl/styles.xml", XLSX_PART_MAX_SMALL,
                           xlsx_book_styles);
    if (rc == 0 && (rc = read_part(&r, sheet, XLSX_PART_MAX_SHEET, &xml, &xml_len)) > 0)
        snprintf(error, error_size,
                 _("sheet \"%s\" (%s) is not in the .xlsx file"),
                 sheet_name, sheet);
    if (rc == 0)
        rc = xlsx_sheet_parse(xml, xml_len, &book, out, error, error_size);
    free(xml);
    xlsx_book_free(&book);
    xlsx_zip_close(r.zip);
    return rc == 0 ? 0 : 1;
}

/* The frame of a printed Vietnamese administrative document as Decree
 * 30/2020/NĐ-CP, Phụ lục I lays it out (docs/admin-document.md): A4
 * portrait with the decree's margins and page numbers, the issuing body
 * and the number top left, the national title and motto, place and date
 * top right, then the document type and its summary line. The number and
 * the date of issue are left as placeholders: the clerical office gives
 * the number when it registers the document, and the date is the day it
 * is signed. What goes between begin and end is the caller's. */
#ifndef CCHC_ADMIN_DOCUMENT_H
#define CCHC_ADMIN_DOCUMENT_H

#include <stdio.h>

typedef struct admin_document {
    const char *html_title;   /* the <title>, plain text */
    const char *parent_lines; /* the parent body, lines split by '\n' */
    const char *issuer;       /* the issuing body, upper case */
    const char *kind_code;    /* type abbreviation for the number, "BC" (Phụ lục III) */
    const char *place;        /* "Cần Thơ" */
    const char *kind_name;    /* "BÁO CÁO" */
    const char *extra_css;    /* the body's own styles, or NULL */
} admin_document;

/* Writes <!DOCTYPE html> … up to the end of the document type name. The
 * caller writes the summary line with admin_document_summary_begin/_end
 * around it, then the body. */
void admin_document_begin(const admin_document *doc, FILE *out);

/* The summary line (trích yếu) opens and closes around caller markup; the
 * rule under it is drawn by the stylesheet. */
void admin_document_summary_begin(FILE *out);
void admin_document_summary_end(FILE *out);

void admin_document_end(FILE *out);

/* Text escaped for HTML, with every word whose first '/' follows a digit
 * (a document number: "121/KH-UBND", "(61/2018/NĐ-CP)"; a date) kept on
 * one line. */
void admin_document_text(FILE *out, const char *text);

/* Text escaped for HTML (and attributes). */
void admin_document_escape(FILE *out, const char *text);

#endif

/* See admin_document.h; every size and rule here is sourced in
 * docs/admin-document.md. */
#include "admin_document.h"

#include <string.h>

void admin_document_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

static void escape_n(FILE *out, const char *s, size_t n)
{
    char buf[256];
    while (n > 0) {
        size_t k = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;
        memcpy(buf, s, k);
        buf[k] = '\0';
        admin_document_escape(out, buf);
        s += k;
        n -= k;
    }
}

void admin_document_text(FILE *out, const char *s)
{
    while (*s) {
        size_t space = strspn(s, " \n\t");
        escape_n(out, s, space);
        s += space;
        size_t word = strcspn(s, " \n\t");
        /* a document number ("121/KH-UBND", "(61/2018/NĐ-CP)") or a date:
         * a digit just before the word's first '/' */
        const char *slash = memchr(s, '/', word);
        int number = slash && slash > s && slash[-1] >= '0' && slash[-1] <= '9';
        if (number)
            fputs("<span class=\"nowrap\">", out);
        escape_n(out, s, word);
        if (number)
            fputs("</span>", out);
        s += word;
    }
}

/* Phụ lục I: A4 portrait; margins top/bottom 20–25 mm, left 30–35 mm,
 * right 15–20 mm; Times New Roman; page numbers 13–14 pt centred in the
 * top margin, none on page 1; national title 12–13 pt bold caps, motto
 * 13–14 pt bold with a rule its own length; parent body 12–13 pt caps,
 * issuing body 12–13 pt bold caps with a rule 1/3–1/2 of its length;
 * number 13 pt; place and date 13–14 pt italic; type name 13–14 pt bold
 * caps; summary 13–14 pt bold with a rule 1/3–1/2 of its length; body
 * 13–14 pt. */
static const char *const frame_css =
    "@page{size:A4 portrait;margin:20mm 15mm 20mm 30mm;"
    "@top-center{content:counter(page);font-family:'Times New Roman','Liberation Serif','DejaVu Serif',serif;"
    "font-size:13pt;vertical-align:bottom;padding-bottom:4mm}}"
    "@page:first{@top-center{content:none}}"
    "html{font-family:'Times New Roman','Liberation Serif','DejaVu Serif',serif;font-size:13pt;color:#000;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "body{margin:0}"
    "@media screen{body{max-width:165mm;margin:2em auto;padding:0 1em}}"
    ".nowrap{white-space:nowrap}"
    "table.hdr{width:100%;border-collapse:collapse;margin:0}"
    "table.hdr td{border:0;padding:0;vertical-align:top;text-align:center;line-height:1.2}"
    "table.hdr td.l{width:40%}table.hdr td.r{width:60%}"
    ".parent{font-size:12pt}"
    ".issuer,.summary{display:inline-block;font-weight:bold}"
    ".issuer{font-size:12pt}"
    ".issuer::after,.summary::after{content:'';display:block;width:40%;margin:3pt auto 0;"
    "border-top:1px solid #000}"
    ".nation{font-size:12pt;font-weight:bold;white-space:nowrap}"
    ".motto{display:inline-block;font-size:13pt;font-weight:bold;white-space:nowrap;"
    "border-bottom:1px solid #000;padding-bottom:2pt}"
    ".docno{font-size:13pt;margin-top:8pt}"
    ".place{font-size:13pt;font-style:italic;margin-top:8pt;white-space:nowrap}"
    ".kind{font-size:14pt;font-weight:bold;text-align:center;margin:18pt 0 0}"
    ".summary-line{text-align:center;margin:0 0 12pt}"
    ".summary{font-size:14pt}";

void admin_document_begin(const admin_document *d, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>", out);
    admin_document_escape(out, d->html_title);
    fprintf(out, "</title><style>%s%s</style></head><body>\n", frame_css,
            d->extra_css ? d->extra_css : "");
    /* cells 2 and 3 left, 1 and 4 right (Phụ lục I, Mục IV) */
    fputs("<table class=\"hdr\" role=\"presentation\"><tr><td class=\"l\">", out);
    for (const char *p = d->parent_lines; *p;) {
        size_t n = strcspn(p, "\n");
        fputs("<div class=\"parent\">", out);
        escape_n(out, p, n);
        fputs("</div>", out);
        p += n + (p[n] == '\n');
    }
    fputs("<div class=\"issuer\" data-part=\"issuer\">", out);
    admin_document_escape(out, d->issuer);
    /* the number and the issuer's own abbreviation are filled in by the
     * clerical office when it registers the document */
    fputs("</div><div class=\"docno\" data-part=\"number\">Số: <span class=\"nowrap\">……/", out);
    admin_document_escape(out, d->kind_code);
    fputs("-……</span></div></td>\n<td class=\"r\"><div class=\"nation\" data-part=\"nation\">"
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
          "<div class=\"motto\" data-part=\"motto\">Độc lập - Tự do - Hạnh phúc</div>"
          "<div class=\"place\" data-part=\"place\">",
          out);
    admin_document_escape(out, d->place);
    fputs(", ngày …… tháng …… năm ……</div></td></tr></table>\n<div class=\"kind\" "
          "data-part=\"kind\">",
          out);
    admin_document_escape(out, d->kind_name);
    fputs("</div>\n", out);
}

void admin_document_summary_begin(FILE *out)
{
    fputs("<div class=\"summary-line\"><div class=\"summary\" data-part=\"summary\">", out);
}

void admin_document_summary_end(FILE *out)
{
    fputs("</div></div>\n", out);
}

void admin_document_end(FILE *out)
{
    fputs("</body></html>\n", out);
}

/* What cchc may assume about where its output goes (issue 14): how many
 * columns a table may take, whether colours are welcome, whether a
 * progress line or a reminder makes sense. One place decides, so every
 * command behaves alike:
 *   - width: --wide = no limit; else COLUMNS when it is a positive number;
 *     else the terminal's width when stdout is a terminal; else no limit
 *     (output piped into a file or another program keeps whole lines).
 *   - colour: only on a terminal, never when NO_COLOR is set (no-color.org).
 * See docs/human-output.md. */
#ifndef CCHC_TERMINAL_H
#define CCHC_TERMINAL_H

#include <stdio.h>

/* --wide given: tables never cut text, not even at a column's own
 * maximum width. */
void terminal_set_wide(int wide);
int terminal_wide(void);
/* The columns a line of stdout may take; 0 = no limit. */
int terminal_columns(void);
/* True when stream is a terminal (progress lines, reminders). */
int terminal_is_tty(FILE *stream);

/* The few things that get a colour. */
typedef enum terminal_colour {
    COLOUR_NONE,
    COLOUR_ERROR,   /* an error line */
    COLOUR_LATE,    /* overdue, late */
    COLOUR_AT_RISK, /* criteria and units at risk */
} terminal_colour;

/* The escape sequence that starts colour on stream ("" when stream takes
 * no colour), and the one that ends it. */
const char *terminal_colour_on(FILE *stream, terminal_colour colour);
const char *terminal_colour_off(FILE *stream, terminal_colour colour);

#endif

/* One line per event on stderr: time, level, message — or, under systemd
 * with stderr connected to the journal, the syslog priority ("<4>"), level
 * and message, the journal keeping the time. Levels let an operator
 * quieten routine connection chatter without losing errors. */
#ifndef CCHCD_LOG_H
#define CCHCD_LOG_H

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(log_level level);
/* Whether a line of this level would be written: a hot path checks it
 * before working out a debug line's arguments (a clock read per request). */
int log_enabled(log_level level);
/* True when stderr is the journal's stream (JOURNAL_STREAM names it). */
int log_to_journal(void);
/* Parses "debug", "info", "warn", "error"; returns -1 when unknown. */
int log_level_parse(const char *text, log_level *out);
void log_msg(log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif

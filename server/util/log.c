/* See log.h. The line is formatted into one buffer and written with a single
 * write(2) so concurrent processes' lines never interleave mid-line. Control
 * characters are replaced, so text from a peer cannot forge log lines.
 * When stderr is the journal's stream (systemd sets JOURNAL_STREAM to its
 * device:inode, systemd.exec(5)), a line starts with the syslog priority
 * as sd-daemon(3) prefixes it ("<4>" for a warning) instead of the time,
 * which the journal records itself: `journalctl -p warning` then works. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static log_level min_level = LOG_INFO;
static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
/* syslog priorities: debug 7, info 6, warning 4, err 3 */
static const int level_priorities[] = {7, 6, 4, 3};
static int journal = -1; /* -1: not checked yet */

int log_to_journal(void)
{
    if (journal < 0) {
        journal = 0;
        const char *stream = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;
        if (stream && sscanf(stream, "%llu:%llu", &dev, &ino) == 2 &&
            fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
            (unsigned long long)st.st_ino == ino)
            journal = 1;
    }
    return journal;
}

void log_set_level(log_level level) { min_level = level; }

int log_enabled(log_level level) { return level >= min_level; }

int log_level_parse(const char *text, log_level *out)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (log_level)i;
            return 0;
        }
    return -1;
}

void log_msg(log_level level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char line[2048];
    int n;
    if (log_to_journal()) {
        n = snprintf(line, sizeof(line), "<%d>%-5s ", level_priorities[level], level_names[level]);
    } else {
        struct timeval now;
        struct tm tm;
        gettimeofday(&now, NULL);
        gmtime_r(&now.tv_sec, &tm);
        n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
        n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03ldZ %-5s ",
                      (long)(now.tv_usec / 1000), level_names[level]);
    }
    int start = n;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    for (int i = start; i < n; i++)
        if ((unsigned char)line[i] < 0x20)
            line[i] = ' ';
    line[n++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)n);
    (void)ignored;
}

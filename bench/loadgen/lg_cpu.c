/* CPU time of the servers under load, read from /proc at the edges of the
 * measured window, so CPU per request counts neither logins (argon2 in
 * cchcd's thread pool) nor preparation: on a shared machine a ratio is
 * only trustworthy per CPU second (docs/performance.md). */
#include "lg_cpu.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* utime, stime, cutime, cstime of a process (fields 14–17 of stat), and
 * its parent; -1 when it is gone */
static int read_stat(long pid, long long *own, long long *reaped, long *ppid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        return -1;
    long long utime, stime, cutime, cstime;
    if (sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld %lld %lld", ppid,
               &utime, &stime, &cutime, &cstime) != 5)
        return -1;
    *own = utime + stime;
    *reaped = cutime + cstime;
    return 0;
}

double lg_cpu_seconds(const lg_cpu_probe *probe)
{
    long long own, reaped;
    long ppid;
    if (read_stat(probe->pid, &own, &reaped, &ppid) != 0)
        return 0;
    long long ticks = own;
    if (probe->tree) {
        /* children that ended count in reaped, the live ones are read */
        ticks += reaped;
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            char *end;
            long pid = strtol(e->d_name, &end, 10);
            long long cown, creaped;
            long cparent;
            if (*end == '\0' && pid > 0 && read_stat(pid, &cown, &creaped, &cparent) == 0 &&
                cparent == probe->pid)
                ticks += cown;
        }
        if (d)
            closedir(d);
    }
    return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

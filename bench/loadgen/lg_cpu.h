/* A process whose CPU time the load generator reads at the start and the
 * end of its measured window (--cpu cchcd=PID, --cpu-tree postgres=PID). */
#ifndef CCHC_LG_CPU_H
#define CCHC_LG_CPU_H

typedef struct lg_cpu_probe {
    const char *name;
    long pid;
    int tree;        /* with its children: a PostgreSQL postmaster and its backends */
    double start_s;  /* CPU seconds at the window's start */
    double window_s; /* CPU seconds used during the window */
} lg_cpu_probe;

/* User plus system CPU seconds the process (with its children, live and
 * ended, when tree) has used so far; 0 when it cannot be read. */
double lg_cpu_seconds(const lg_cpu_probe *probe);

#endif

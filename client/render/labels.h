/* What people read for the codes the server sends: report and period
 * states, roles, cadences, task statuses, review actions, unit kinds.
 * One table, so a table, a history line and a summary say "đã gửi" alike;
 * --json keeps the codes. */
#ifndef CCHC_LABELS_H
#define CCHC_LABELS_H

typedef enum {
    LABEL_REPORT_STATE,  /* missing, draft, submitted, returned, accepted, approved */
    LABEL_PERIOD_STATE,  /* planned, open, closed, approved, locked */
    LABEL_ROLE,          /* reporter, reviewer, admin, viewer */
    LABEL_CADENCE,       /* continuous, periodic */
    LABEL_TASK_STATUS,   /* not_started, in_progress, completed, behind */
    LABEL_ACTION,        /* submit, accept, return, approve, … (history lines) */
    LABEL_UNIT_KIND,     /* city, department, district, commune, other */
    LABEL_REVIEW_LEVEL,  /* lead, district: who reviewed a report */
    LABEL_UNIT_CHANGE,   /* close, rename, merge, split, move, create (a unit change) */
    LABEL_AUDIT_ACTION,  /* session.login, report.submit, period.close, … (cchc audit) */
    LABEL_SEVERITY,      /* error, warning, info (a plan check finding) */
    LABEL_FINDING,       /* group_score_sum, numbering_slip, … (plan check's kinds) */
    LABEL_SUCCESSION_PART, /* part, rest: what of a split unit a succession took */
} label_kind;

/* The label of code in the chosen language; the code itself when the
 * table does not know it (a newer server), so nothing is ever blank. */
const char *label_of(label_kind kind, const char *code);

/* Writes the labels of codes joined by ", " into out ("người báo cáo,
 * người duyệt"). */
void label_list(label_kind kind, char *const *codes, size_t n, char *out, size_t size);

#endif

/* Who may send which request: one table, read by dispatch.c before any
 * handler runs. A request type missing from the table is refused. */
#ifndef CCHCD_AUTHZ_H
#define CCHCD_AUTHZ_H

#include "auth.h"
#include "cchc/v1/envelope.pb-c.h"

#define AUTHZ_PUBLIC 0u /* no session needed */
#define AUTHZ_ANY_ROLE (ROLE_REPORTER | ROLE_REVIEWER | ROLE_ADMIN | ROLE_VIEWER)

typedef struct authz_rule {
    Cchc__V1__Request__BodyCase request;
    unsigned roles; /* AUTHZ_PUBLIC, or the roles any one of which allows it */
} authz_rule;

/* The rule for a request type, or NULL when there is none. */
const authz_rule *authz_rule_for(Cchc__V1__Request__BodyCase request);
/* True when the identity holds one of the rule's roles. */
int authz_allows(const authz_rule *rule, const auth_identity *who);

#endif

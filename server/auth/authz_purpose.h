/* What a person tried, in words for people, by request type: a permission
 * error says "may not review reports", never the request's internal name
 * (issue 14). The words are English message ids the client translates. */
#ifndef CCHCD_AUTHZ_PURPOSE_H
#define CCHCD_AUTHZ_PURPOSE_H

#include "cchc/v1/envelope.pb-c.h"

/* The words for request, or "do this" for a type that has none (one every
 * role may send, which refuses only an account without roles). */
const char *authz_purpose(Cchc__V1__Request__BodyCase request);

#endif

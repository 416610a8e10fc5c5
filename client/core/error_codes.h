/* The server's error codes in words for people: "cchc: không có quyền: …"
 * says what kind of refusal it is where "(permission_denied)" said the
 * protocol's name for it (issue 14). --json keeps the code. */
#ifndef CCHC_ERROR_CODES_H
#define CCHC_ERROR_CODES_H

/* The label of a code name ("invalid_argument", wire_error_code_name's
 * form) in the chosen language; a generic label for a code this client
 * does not know. */
const char *error_code_label(const char *code_name);

#endif

/* Whom a request's database work is for, as the pool's fair queue needs it
 * (db_pool.h, docs/security.md "Fair service"): the account once the
 * session is checked; before that (the session check itself, a login) the
 * account the connection's last session check found, so that a client's
 * pipelined session checks share its account's turn; and for a connection
 * that has not shown an account yet, the connection alone, since a token
 * nobody has vouched for must not borrow anyone's share. The connection
 * closing marks the work as no longer wanted. */
#include <stdlib.h>

#include "connection.h"
#include "request_internal.h"

db_owner request_db_owner(request *req)
{
    connection *c = req->conn;
    uint64_t account = req->auth.authenticated ? strtoull(req->auth.account_id, NULL, 10) : 0;
    if (account)
        c->db_account = account;
    else
        account = c->db_account;
    return (db_owner){.account = account, .client = c->id, .gone = &c->closing};
}

int request_client_gone(const request *req)
{
    return req->conn->closing;
}

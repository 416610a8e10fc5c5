-- 0013_login_failures_cleared: lets an administrator lift a login lockout.
--
-- Failed logins throttle an account (sql/functions/040_accounts.sql,
-- login_blocked_until), and until now only an operator deleting
-- login_attempt rows could lift that. The attempts stay (they are the
-- record of who tried what from where); instead an account remembers when
-- its failures were last cleared, by `cchc user unlock` or a password
-- reset, and only failures after that count.

ALTER TABLE account
    ADD COLUMN failures_cleared_at timestamptz NOT NULL DEFAULT '-infinity';
COMMENT ON COLUMN account.failures_cleared_at IS
  'Failed logins before this moment no longer count against the account (set by user unlock and '
  'reset-password; audited as account.unlock and account.reset_password).';

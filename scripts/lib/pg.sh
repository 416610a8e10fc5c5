# Shell functions to run a private PostgreSQL cluster, sourced by
# scripts/demo and scripts/test. The cluster lives in its own folder, listens
# only on a Unix socket inside that folder (no TCP port to collide with),
# and trusts local connections: it is for one user's demo or test run.
# PostgreSQL refuses to run as root, so as root it runs as user postgres.

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do :; done
  if [[ -x "$dir/initdb" ]]; then echo "$dir"; return; fi
  command -v initdb >/dev/null && dirname "$(command -v initdb)" && return
  echo "PostgreSQL server binaries not found (install postgresql-15)" >&2
  return 1
}

# Runs a command as the cluster's owner.
pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR PORT: initialises DIR/data on first use and starts it with its
# socket in DIR. Prints nothing on success.
pg_start() {
  local dir=$1 port=$2 bin
  bin=$(pg_bindir) || return 1
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; chmod 755 "$dir"; fi
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    pg_as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  if pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    return 0
  fi
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-k $dir -p $port -c listen_addresses='' -c fsync=${PG_FSYNC:-on}" \
    start >/dev/null || { tail -20 "$dir/postgres.log" >&2; return 1; }
}

pg_stop() {
  local dir=$1 bin
  bin=$(pg_bindir) || return 1
  [[ -f "$dir/data/PG_VERSION" ]] || return 0
  if pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
}

# pg_createdb DIR PORT NAME: creates database NAME unless it exists.
pg_createdb() {
  local dir=$1 port=$2 name=$3
  if ! psql -h "$dir" -p "$port" -U postgres -d postgres -tAc \
       "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -h "$dir" -p "$port" -U postgres -d postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

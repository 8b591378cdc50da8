# Source me: start a throw-away PostgreSQL on 127.0.0.1 and export LAGEBILD_TEST_PG_URL.
# Used by .ci/run; by hand: `source scripts/start_test_postgres.sh`. Stop with `$LAGEBILD_PG_STOP`.
_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$_pg_bin" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi
_pg_port=${LAGEBILD_TEST_PG_PORT:-$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
_pg_data=$(mktemp -d /tmp/lagebild-pg.XXXXXX)
_pg_user=$(id -un)
if [ "$(id -u)" = 0 ]; then
  chown postgres "$_pg_data"
  _pg_run() { su postgres -s /bin/sh -c "$*"; }
else
  _pg_run() { sh -c "$*"; }
fi
_pg_run "$_pg_bin/initdb -D $_pg_data -A trust -U lagebild >/dev/null" &&
  _pg_run "$_pg_bin/pg_ctl -D $_pg_data -l $_pg_data/server.log -w -o '-c listen_addresses=127.0.0.1 -p $_pg_port -k $_pg_data' start >/dev/null" &&
  _pg_run "$_pg_bin/createdb -h 127.0.0.1 -p $_pg_port -U lagebild lagebild_test" || {
    echo "could not start PostgreSQL (see $_pg_data/server.log)" >&2
    return 1 2>/dev/null || exit 1
  }
export LAGEBILD_TEST_PG_URL="postgresql+psycopg://lagebild@127.0.0.1:$_pg_port/lagebild_test"
export LAGEBILD_PG_STOP="$_pg_bin/pg_ctl -D $_pg_data stop -m fast"
if [ "$(id -u)" = 0 ]; then LAGEBILD_PG_STOP="su postgres -s /bin/sh -c '$LAGEBILD_PG_STOP'"; fi
echo "PostgreSQL for tests at 127.0.0.1:$_pg_port"

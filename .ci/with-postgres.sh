#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster in a temp directory,
# listening on a Unix socket only; the cluster is stopped and removed on exit.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d)
port=${PGTEST_PORT:-54329}
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" \
  -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200" \
  -w start >/dev/null
export DATABASE_URL="postgres://postgres@/postgres?host=$dir&port=$port"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') at $dir (port $port)"
"$@"

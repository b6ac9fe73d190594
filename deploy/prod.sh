#!/usr/bin/env bash
# Start or stop the production stack on this machine, from a fresh clone:
# a PostgreSQL cluster, Redis, gunicorn (APP_WORKERS processes), a django-q2
# cluster (Q_WORKERS workers, Redis broker) and nginx in front on loopback.
#   deploy/prod.sh up | down | env | manage ARGS (manage.py with the stack's environment)
# Everything lives in PROD_DIR (default var/prod); `down` keeps the data unless
# PROD_WIPE=1. Ports come from the environment so runs do not collide.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROD_DIR=${PROD_DIR:-$ROOT/var/prod}
NGINX_PORT=${NGINX_PORT:-18180}
GUNICORN_PORT=${GUNICORN_PORT:-18101}
PG_PORT=${PG_PORT:-18132}
APP_WORKERS=${APP_WORKERS:-2}
Q_WORKERS=${Q_WORKERS:-2}
PY=$ROOT/.venv/bin/python
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg=()
[ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)

write_env() {
  [ -f "$PROD_DIR/secret" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$PROD_DIR/secret"
  cat >"$PROD_DIR/env" <<ENV
DJANGO_SETTINGS_MODULE=cms.settings.production
SECRET_KEY=$(cat "$PROD_DIR/secret")
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$NGINX_PORT
DATABASE_URL=postgres://postgres@/academy?host=$PROD_DIR/run&port=$PG_PORT
REDIS_URL=unix://$PROD_DIR/run/redis.sock?db=0
Q_BROKER=redis
Q_WORKERS=$Q_WORKERS
Q_RETRY=${Q_RETRY:-360}
Q_TIMEOUT=${Q_TIMEOUT:-300}
APP_WORKERS=$APP_WORKERS
NGINX_PORT=$NGINX_PORT
GUNICORN_PORT=$GUNICORN_PORT
ACADEMY_VAR_DIR=$PROD_DIR/var
PRIVATE_MEDIA_ROOT=$PROD_DIR/private
BACKUP_DIR=$PROD_DIR/backups
SECURE_SSL_REDIRECT=false
EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
WAGTAILADMIN_BASE_URL=http://127.0.0.1:$NGINX_PORT
ENV
}

# KEY=value lines taken literally (no shell quoting: the URLs hold '&'), the
# format systemd's EnvironmentFile= reads too.
load_env() {
  local key value
  while IFS='=' read -r key value; do
    case "$key" in ''|'#'*) continue ;; esac
    export "$key=$value"
  done <"$PROD_DIR/env"
}

up() {
  if running "$PROD_DIR/nginx.pid" || running "$PROD_DIR/run/gunicorn.pid"; then
    echo "academy is already up in $PROD_DIR (deploy/prod.sh down first)" >&2; exit 1
  fi
  trap 'echo "prod up failed: stopping what started (logs in $PROD_DIR/log)" >&2; down' ERR
  mkdir -p "$PROD_DIR"/{run,log,var,private,backups,nginx-tmp}
  chmod 755 "$PROD_DIR" "$PROD_DIR/run"
  write_env
  load_env
  # PostgreSQL: a cluster of our own, Unix socket only
  if [ ! -d "$PROD_DIR/pg" ]; then
    mkdir -p "$PROD_DIR/pg"; [ "$(id -u)" = 0 ] && chown postgres "$PROD_DIR/pg" "$PROD_DIR/run"
    "${as_pg[@]}" "$pgbin/initdb" -D "$PROD_DIR/pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  touch "$PROD_DIR/log/postgres.log"
  [ "$(id -u)" = 0 ] && chown postgres "$PROD_DIR/run" "$PROD_DIR/log/postgres.log"
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$PROD_DIR/pg/data" status >/dev/null 2>&1 ||
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$PROD_DIR/pg/data" -l "$PROD_DIR/log/postgres.log" \
    -o "-p $PG_PORT -k $PROD_DIR/run -c listen_addresses='' -c max_connections=200" -w start >/dev/null
  "${as_pg[@]}" "$pgbin/psql" -h "$PROD_DIR/run" -p "$PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='academy'" | grep -q 1 ||
    "${as_pg[@]}" "$pgbin/createdb" -h "$PROD_DIR/run" -p "$PG_PORT" -U postgres academy
  # Redis (Debian's redis-server) on a Unix socket, no disk persistence of its own
  running "$PROD_DIR/run/redis.pid" ||
  redis-server --port 0 --unixsocket "$PROD_DIR/run/redis.sock" --unixsocketperm 700 \
    --daemonize yes --dir "$PROD_DIR/run" --pidfile "$PROD_DIR/run/redis.pid" \
    --logfile "$PROD_DIR/log/redis.log" --save '' --appendonly no
  for _ in $(seq 50); do [ -S "$PROD_DIR/run/redis.sock" ] && break; sleep 0.1; done
  # the release: migrate (from whatever release the database is at), static files
  "$PY" "$ROOT/manage.py" migrate --noinput -v 0
  "$PY" "$ROOT/manage.py" collectstatic --noinput -v 0
  "$PY" "$ROOT/manage.py" check --deploy --fail-level WARNING >/dev/null
  # gunicorn, the django-q2 cluster, nginx
  (cd "$ROOT" && exec "$ROOT/.venv/bin/gunicorn" -c "$ROOT/deploy/gunicorn.conf.py" \
    --pid "$PROD_DIR/run/gunicorn.pid" --daemon --error-logfile "$PROD_DIR/log/gunicorn.log" \
    --access-logfile "$PROD_DIR/log/gunicorn-access.log" cms.wsgi:application)
  # setsid: the cluster and its worker processes form one group, stopped together
  (cd "$ROOT"; setsid "$PY" manage.py qcluster >"$PROD_DIR/log/qcluster.log" 2>&1 &
   echo $! >"$PROD_DIR/run/qcluster.pid")
  sed -e "s#@PROD_DIR@#$PROD_DIR#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" \
      -e "s#@GUNICORN_PORT@#$GUNICORN_PORT#g" -e "s#@STATIC_ROOT@#$ACADEMY_VAR_DIR/static#g" \
      -e "s#@MEDIA_ROOT@#$ACADEMY_VAR_DIR/media#g" -e "s#@PRIVATE_MEDIA_ROOT@#$PRIVATE_MEDIA_ROOT#g" \
      "$ROOT/deploy/nginx.conf.template" >"$PROD_DIR/nginx.conf"
  nginx -c "$PROD_DIR/nginx.conf" -p "$PROD_DIR" -e "$PROD_DIR/log/nginx-error.log"
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$NGINX_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$NGINX_PORT/healthz" >/dev/null
  trap - ERR
  echo "academy up: http://127.0.0.1:$NGINX_PORT/ ($APP_WORKERS app processes, $Q_WORKERS workers; state in $PROD_DIR)"
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # stop_pid FILE: TERM the process (group for qcluster), wait, then KILL
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

down() {
  [ -d "$PROD_DIR" ] || return 0
  [ -f "$PROD_DIR/nginx.pid" ] && nginx -c "$PROD_DIR/nginx.conf" -p "$PROD_DIR" -e "$PROD_DIR/log/nginx-error.log" -s stop 2>/dev/null || true
  for _ in $(seq 50); do [ -f "$PROD_DIR/nginx.pid" ] || break; sleep 0.1; done
  stop_pid "$PROD_DIR/run/gunicorn.pid"
  # the cluster before Redis: it finishes its jobs and acknowledges them there
  if [ -f "$PROD_DIR/run/qcluster.pid" ]; then
    pgid=$(cat "$PROD_DIR/run/qcluster.pid")
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    rm -f "$PROD_DIR/run/qcluster.pid"
  fi
  stop_pid "$PROD_DIR/run/redis.pid"
  [ -d "$PROD_DIR/pg/data" ] && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$PROD_DIR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  if [ "${PROD_WIPE:-0}" = 1 ]; then rm -rf "$PROD_DIR"; fi
  echo "academy down ($PROD_DIR)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) mkdir -p "$PROD_DIR"; write_env; cat "$PROD_DIR/env" ;;
  manage) shift; load_env; cd "$ROOT"; exec "$PY" manage.py "$@" ;;
  *) echo "usage: $0 up|down|env|manage ARGS" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# make prod-smoke: a fresh stack of its own (var/prod-smoke, ports 1818x),
# deploy/smoke.py against it, and everything stopped and removed afterwards,
# pass or fail. A short lease (Q_RETRY) so a killed worker's job returns soon.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PROD_DIR=${SMOKE_DIR:-$ROOT/var/prod-smoke}
export NGINX_PORT=${SMOKE_NGINX_PORT:-18181} GUNICORN_PORT=${SMOKE_GUNICORN_PORT:-18102}
export PG_PORT=${SMOKE_PG_PORT:-18133} APP_WORKERS=2 Q_WORKERS=2 Q_RETRY=20 Q_TIMEOUT=15
PROD_WIPE=1 "$ROOT/deploy/prod.sh" down >/dev/null
trap 'PROD_WIPE=1 "$ROOT/deploy/prod.sh" down' EXIT
"$ROOT/deploy/prod.sh" up
timeout 240 "$ROOT/.venv/bin/python" "$ROOT/deploy/smoke.py"

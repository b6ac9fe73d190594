#!/usr/bin/env bash
# make prod-upgrade: `prod.sh up` on a database at the previous release (the
# migration heads of 522f3ba: lms 0005, cms 0002) migrates cleanly. A stack of
# its own in var/prod-upgrade, stopped and removed afterwards, pass or fail.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PROD_DIR=$ROOT/var/prod-upgrade NGINX_PORT=18183 GUNICORN_PORT=18104 PG_PORT=18135
export APP_WORKERS=1 Q_WORKERS=1
P="$ROOT/deploy/prod.sh"
PROD_WIPE=1 "$P" down >/dev/null
trap 'PROD_WIPE=1 "$P" down' EXIT
"$P" up
"$P" manage migrate lms 0005 --noinput -v 0
"$P" manage migrate cms 0002 --noinput -v 0
"$P" manage migrate --check >/dev/null 2>&1 && { echo "not at the previous release" >&2; exit 1; }
echo "database at the previous release (lms 0005, cms 0002); prod.sh up again:"
"$P" down >/dev/null
"$P" up
"$P" manage migrate --check
echo "prod-upgrade: the previous release's database migrated cleanly"

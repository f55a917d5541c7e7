#!/usr/bin/env bash
# Installs (apt) and starts the services and system packages the test suite needs:
# PostgreSQL and Redis on 127.0.0.1, the Times-compatible fonts, poppler and chromium.
# Safe to run again: it only does what is missing. No systemd is assumed.
set -euo pipefail

PG_USER=${PG_USER:-dialogue}
PG_PASSWORD=${PG_PASSWORD:-dialogue}
PG_DB=${PG_DB:-dialogue}
PKGS="postgresql redis-server fonts-croscore fonts-liberation2 poppler-utils chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

# PostgreSQL: the first cluster Debian created, started with pg_ctlcluster.
if ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  cluster=$(pg_lsclusters -h | head -n1)
  if [ -z "$cluster" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    $SUDO pg_createcluster "$ver" main >/dev/null
    cluster=$(pg_lsclusters -h | head -n1)
  fi
  ver=$(echo "$cluster" | awk '{print $1}'); name=$(echo "$cluster" | awk '{print $2}')
  $SUDO pg_ctlcluster "$ver" "$name" start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -q || { echo "PostgreSQL did not start" >&2; exit 1; }

as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
if ! as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1; then
  as_postgres "psql -q -c \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\""
fi
if ! as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1; then
  as_postgres "createdb -O $PG_USER $PG_DB"
fi

# Redis
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 ping >/dev/null
echo "Services ready: PostgreSQL and Redis on 127.0.0.1"

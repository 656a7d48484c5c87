#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis are installed (Debian's packages), for the queue-mode end-to-end
# test. Idempotent: when both are already there it only prints where they are. It never starts,
# stops or reconfigures a system service: the test runs its own throw-away servers on loopback.
#
# Prints, on stdout, lines the test reads:
#   PG_BIN_DIR=/usr/lib/postgresql/15/bin
#   REDIS_SERVER=/usr/bin/redis-server
#   PG_RUN_AS=postgres        (the unprivileged user to run PostgreSQL as when we are root; empty otherwise)
# Progress goes to stderr.
set -euo pipefail

log() { echo "[ensure-postgres-redis] $*" >&2; }

find_pg_bin_dir() {
  local dir
  # Newest major version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_isready" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

find_redis() {
  command -v redis-server 2>/dev/null || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; } || return 1
}

missing=()
find_pg_bin_dir >/dev/null || missing+=(postgresql)
find_redis >/dev/null || missing+=(redis-server)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      log "missing: ${missing[*]}; run as root (or with passwordless sudo), or: apt-get install ${missing[*]}"
      exit 1
    fi
  else
    SUDO=()
  fi
  # One installer at a time (two test processes may get here together).
  exec 8>/tmp/ensure-postgres-redis.lock
  flock 8
  missing=()
  find_pg_bin_dir >/dev/null || missing+=(postgresql)
  find_redis >/dev/null || missing+=(redis-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    # Keep the packages' maintainer scripts from starting system-wide servers on the default ports
    # (policy-rc.d exit 101 = "action forbidden"); the test starts its own. Restored afterwards.
    policy=/usr/sbin/policy-rc.d
    created_policy=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
      "${SUDO[@]}" chmod 755 "$policy"
      created_policy=1
    fi
    trap '[ "$created_policy" = 1 ] && "${SUDO[@]}" rm -f "$policy"' EXIT
    log "installing ${missing[*]} with apt-get (about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    # An update first: on a fresh machine the package lists may be empty or stale.
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || log "apt-get update failed; trying the install anyway"
    packages=()
    for package in "${missing[@]}"; do
      if [ "$package" = postgresql ]; then
        # n8n 2.x supports PostgreSQL 17 (16 in compatibility mode) and warns about older ones:
        # take the newest the distribution offers (Debian 12 only has 15, which works with a warning).
        for candidate in postgresql-17 postgresql-16; do
          if apt-cache policy "$candidate" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            package="$candidate"
            break
          fi
        done
      fi
      packages+=("$package")
    done
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${packages[@]}" >&2
  fi
fi

pg_bin_dir="$(find_pg_bin_dir)" || { log "PostgreSQL binaries not found after install"; exit 1; }
redis_server="$(find_redis)" || { log "redis-server not found after install"; exit 1; }

run_as=""
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root. Debian's package creates the "postgres" system user.
  if ! id postgres >/dev/null 2>&1; then
    log "creating the system user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  run_as=postgres
fi

echo "PG_BIN_DIR=$pg_bin_dir"
echo "REDIS_SERVER=$redis_server"
echo "PG_RUN_AS=$run_as"

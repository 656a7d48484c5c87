#!/usr/bin/env bash
# Installs a real n8n into a cache folder outside the repository and prints its folder.
# Usage: scripts/install-n8n.sh 2.41.1 | 1.123.81
#        scripts/install-n8n.sh --which-node 2.41.1   (which Node that n8n would run on here)
#        scripts/install-n8n.sh --lock 2.41.1 <folder> [package]   (the lock npm ci is given)
#
# Each tested version has a recipe in scripts/n8n-installs/<version>/ (package.json and
# package-lock.json), installed with `npm ci`, so a package published upstream tomorrow cannot
# change what a fresh machine gets. The install runs without install scripts (some of n8n's
# packages download things a machine without internet cannot get), then only the native modules
# n8n needs are set up: each uses its prebuilt binary when one fits (isolated-vm 7 ships them in its
# npm package; sqlite3 downloads one when the machine has internet) and is compiled otherwise.
#
# n8n runs on this machine's Node when it is in the range n8n supports (its `engines`), else on the
# Node package of the recipe for this OS and CPU (optional dependencies: npm ci installs only the
# one that fits). The chosen Node is written to <install>/.node for the test harness (its path,
# relative to the install when it is the recipe's).
#
# The cache is used only when its marker names the current recipe and Node and its native modules
# load; an install is marked only after n8n itself has opened a fresh SQLite database with it.
set -euo pipefail

mode=install
case "${1:-}" in
  --which-node) mode=which-node; shift ;;
  --lock) mode=lock; shift ;;
esac
version="${1:?usage: install-n8n.sh [--which-node | --lock <folder> [package]] <n8n version>}"
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

# Prints "machine <path>" when this machine's Node is in n8n's supported range, else "package
# <name>" for the recipe's Node package that fits this OS and CPU, else "none <why>".
# N8N_INSTALL_PLATFORM (e.g. darwin-arm64) and N8N_INSTALL_NODE_VERSION (e.g. v24.1.0) ask what
# another machine would get; the unit test of this choice uses them.
choose_node() {
  node - "$recipe" "${N8N_INSTALL_PLATFORM:-}" "${N8N_INSTALL_NODE_VERSION:-}" "$(command -v node)" <<'JS'
const [recipe, platformOverride, versionOverride, machineNode] = process.argv.slice(2);
const lock = require(`${recipe}/package-lock.json`);
const range = lock.packages['node_modules/n8n']?.engines?.node ?? '*';
const current = (versionOverride || process.version).replace(/^v/, '');
const [os, cpu] = platformOverride ? platformOverride.split('-') : [process.platform, process.arch];

// npm's `engines` ranges as n8n writes them: space-separated comparators (">=20.19 <= 24.x").
function satisfies(version, wanted) {
  if (wanted.trim() === '*') return true;
  if (wanted.includes('||')) return false;
  const have = version.split('.').map(Number);
  return wanted.replace(/([<>=]+)\s+/g, '$1').trim().split(/\s+/).every((comparator) => {
    const [, op = '=', bound] = /^([<>=]*)(.+)$/.exec(comparator);
    const parts = bound.split('.');
    const known = parts.findIndex((part) => part === 'x' || part === '*');
    const want = parts.slice(0, known === -1 ? 3 : known).map(Number);
    let order = 0;
    for (let i = 0; i < want.length && order === 0; i++) order = Math.sign((have[i] ?? 0) - want[i]);
    return { '>=': order >= 0, '<=': order <= 0, '>': order > 0, '<': order < 0, '=': order === 0 }[op];
  });
}

if (satisfies(current, range)) {
  console.log(`machine ${machineNode}`);
} else {
  const optional = Object.keys(require(`${recipe}/package.json`).optionalDependencies ?? {});
  const fits = optional.find((name) => name === `node-${os}-${cpu}` || name === `node-bin-${os}-${cpu}`);
  if (fits) console.log(`package ${fits}`);
  else console.log(`none n8n needs Node ${range}; this machine has ${current} and the recipe has no Node package for ${os}-${cpu}: install a Node in that range and put it first on PATH`);
}
JS
}

read -r node_kind node_detail <<<"$(choose_node)"
if [ "$mode" = which-node ]; then
  echo "$node_kind $node_detail"
  exit 0
fi
if [ "$node_kind" = none ]; then
  log "$node_detail"
  exit 1
fi

# The Node that runs n8n from install folder $1 (relative to it with no $1: the form kept in .node,
# so that a cache folder can be moved).
node_of() {
  if [ "$node_kind" = machine ]; then echo "$node_detail"; else echo "${1:+$1/}node_modules/$node_detail/bin/node"; fi
}
# isolated-vm 7 (n8n 2.x) needs --no-node-snapshot on Node >= 20. isolated-vm 6 (n8n 1.x) is not
# set up at all: it does not build for Node 20, and n8n 1.x runs with the legacy expression engine.
node_flags=()
native_modules=(sqlite3)
if [ "$major" -ge 2 ]; then
  node_flags=(--no-node-snapshot)
  native_modules=(sqlite3 isolated-vm)
fi

# What made an install: this script, the recipe, and the Node it runs on.
recipe_id="$(
  {
    cat "$0" "$recipe/package.json" "$recipe/package-lock.json"
    echo "$node_kind $node_detail"
    if [ "$node_kind" = machine ]; then "$node_detail" --version; fi
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

# Writes a package-lock.json into folder $1 from the recipe's, each package with its tarball's
# address at the registry npm is set to use: the recipe stores no addresses (it names no registry),
# and without them npm first asks the registry about every package, one more request each. With $2,
# only that package and what it needs, with a package.json for it.
prepare_lock() {
  node - "$recipe/package-lock.json" "$1" "$(npm config get registry)" "${2:-}" <<'JS'
const fs = require('fs');
const [lockPath, folder, registry, only] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
if (only) {
  // `only` and, from each package kept, each dependency where Node would find it: the nearest
  // node_modules/<name> from the package up to the root.
  const kept = {};
  const pending = [`node_modules/${only}`];
  while (pending.length > 0) {
    const at = pending.pop();
    if (kept[at] || !lock.packages[at]) continue;
    const entry = (kept[at] = lock.packages[at]);
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers[name]?.optional),
    ];
    for (const name of names) {
      for (let base = at; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
        const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
        if (lock.packages[candidate]) { pending.push(candidate); break; }
        if (!base) break;
      }
    }
  }
  const root = { name: `${only}-build`, private: true, dependencies: { [only]: kept[`node_modules/${only}`].version } };
  lock.name = root.name;
  lock.packages = { '': root, ...kept };
  fs.writeFileSync(`${folder}/package.json`, JSON.stringify(root, null, 2));
}
const base = registry.endsWith('/') ? registry : `${registry}/`;
for (const [at, entry] of Object.entries(lock.packages)) {
  if (!at || entry.resolved || entry.link || !entry.version) continue;
  const name = entry.name ?? at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
  entry.resolved = `${base}${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
}
fs.writeFileSync(`${folder}/package-lock.json`, JSON.stringify(lock, null, 2));
JS
}

if [ "$mode" = lock ]; then
  prepare_lock "${2:?usage: install-n8n.sh --lock <n8n version> <folder> [package]}" "${3:-}"
  exit 0
fi

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
cp "$recipe/package.json" "$building/"
prepare_lock "$building"
cd "$building"

# sqlite3's binding uses Node-API: one build serves every Node and every recipe that pins the same
# sqlite3. It is made once per machine, in a folder of its own and beside npm ci (where it must be
# compiled, that takes about two minutes, which then overlap the download); an install that runs
# at the same time (npm test installs both versions) waits for it instead of making its own. A
# new build is a candidate until an install's checks pass with it.
sqlite_version="$(node -p "require('$recipe/package-lock.json').packages['node_modules/sqlite3'].version")"
shared_sqlite="$cache/native-builds/sqlite3-$sqlite_version-$(uname -s)-$(uname -m)"
candidate_sqlite="$shared_sqlite.candidate"
mkdir -p "$cache/native-builds"
build_sqlite_aside() {
  exec 8>"$shared_sqlite.lock"
  flock 8
  if [ -f "$shared_sqlite/node_sqlite3.node" ] || [ -f "$candidate_sqlite/node_sqlite3.node" ]; then return 0; fi
  local source="$shared_sqlite.source"
  rm -rf "$source" "$candidate_sqlite"
  mkdir -p "$source"
  prepare_lock "$source" sqlite3
  # Its own install script: a prebuilt download where the machine has internet, else a compile.
  (cd "$source" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error &&
    JOBS=max npm_config_build_from_source=false npm rebuild sqlite3 --ignore-scripts=false --loglevel=error) \
    >"$source.log" 2>&1 || return 1
  mkdir -p "$candidate_sqlite"
  cp "$source/node_modules/sqlite3/build/Release/node_sqlite3.node" "$candidate_sqlite/"
  if [ -n "$(find "$source/node_modules/sqlite3/build" -name '*.o' -print -quit)" ]; then touch "$candidate_sqlite/compiled"; fi
  echo "$((SECONDS - sqlite_started))" >"$candidate_sqlite/seconds"
  rm -rf "$source" "$source.log"
}
sqlite_started=$SECONDS
build_sqlite_aside &
sqlite_aside=$!

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
    lines="$(grep -c 'http fetch' "$out" || true)"
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
  log "npm ci attempt $attempt failed ($(tail -n 1 "$building/npm-ci.log")); trying again with the recipe's lock as it is"
  # A registry whose tarballs live elsewhere than npm's usual addresses: let npm ask it.
  cp "$recipe/package-lock.json" "$building/"
done

node="$(node_of "$building")"
log "native modules ${native_modules[*]} for Node $("$node" --version) at $node: prebuilt where one fits, compiled otherwise"
# --ignore-scripts=false: under `npm test` the project's .npmrc reaches this script as
# npm_config_ignore_scripts=true, and a rebuild without scripts builds nothing yet reports success.
# Each module's own install script decides: isolated-vm loads its bundled prebuilt binary
# (node-gyp-build) and compiles only when none fits; sqlite3 downloads a prebuilt one
# (prebuild-install) and compiles when it cannot. A Node package of the recipe carries the headers
# a compile needs (--nodedir); the machine's Node uses npm's own setting.
nodedir=()
if [ "$node_kind" = package ]; then nodedir=(--nodedir="$(dirname "$(dirname "$node")")"); fi
native_started=$SECONDS
if ! wait "$sqlite_aside"; then
  log "sqlite3 could not be built on its own ($(tail -n 1 "$shared_sqlite.source.log" 2>/dev/null)); building it in the install"
fi
exec 8>"$shared_sqlite.lock"
flock 8
# Where this install's sqlite3 comes from: a proven build, a candidate, or (neither) its own rebuild.
sqlite_from=""
for from in "$shared_sqlite" "$candidate_sqlite"; do
  if [ -f "$from/node_sqlite3.node" ]; then sqlite_from="$from"; break; fi
done
to_set_up=()
compiled=()
for module in "${native_modules[@]}"; do
  if [ "$module" = sqlite3 ] && [ -n "$sqlite_from" ]; then
    mkdir -p node_modules/sqlite3/build/Release
    cp "$sqlite_from/node_sqlite3.node" node_modules/sqlite3/build/Release/
    if [ -f "$sqlite_from/compiled" ]; then compiled+=(sqlite3); fi
  else
    to_set_up+=("$module")
  fi
done
if [ "$sqlite_from" = "$shared_sqlite" ]; then log "sqlite3: the build proven by an earlier install on this machine"; fi
if [ "$sqlite_from" = "$candidate_sqlite" ]; then log "sqlite3: built beside npm ci, in $(cat "$candidate_sqlite/seconds" 2>/dev/null || echo '?') s"; fi
if [ "${#to_set_up[@]}" -gt 0 ]; then
  PATH="$(dirname "$node"):$PATH" JOBS=max npm_config_build_from_source=false \
    npm rebuild "${nodedir[@]}" "${to_set_up[@]}" --ignore-scripts=false --loglevel=error >&2
fi
for module in "${to_set_up[@]}"; do
  if [ -n "$(find "node_modules/$module/build" -name '*.o' -print -quit 2>/dev/null)" ]; then compiled+=("$module"); fi
done
log "native modules ready $((SECONDS - native_started)) s after npm ci (compiled on this machine: ${compiled[*]:-none})"

problem="$(native_modules_problem "$building")"
[ -z "$problem" ] && problem="$(n8n_database_problem "$building")"
if [ -n "$problem" ]; then
  if [ -n "$sqlite_from" ]; then rm -rf "$sqlite_from"; fi
  log "the new install does not work: $problem"
  exit 1
fi
# The checks passed: this install's sqlite3 is proven, for every later install.
if [ "$sqlite_from" != "$shared_sqlite" ]; then
  mkdir -p "$shared_sqlite.partial"
  cp node_modules/sqlite3/build/Release/node_sqlite3.node "$shared_sqlite.partial/"
  rm -rf "$shared_sqlite" "$candidate_sqlite" && mv "$shared_sqlite.partial" "$shared_sqlite"
fi
exec 8>&-

node_of >.node
echo "$recipe_id" >.complete
cd "$cache"
mv "$building" "$target"
log "done in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s: npm ci, native modules ready, n8n opened a fresh database"
echo "$target"

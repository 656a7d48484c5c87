#!/usr/bin/env bash
# `npm test`: build, lint the whole repository with n8n's strict default rules, then unit tests,
# node tests through n8n's execution engine, and end-to-end tests inside real n8n installs
# (installed on first run).
set -uo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

clock() { echo "$((SECONDS / 60)) min $((SECONDS % 60)) s"; }
step() { echo; echo "== $* [at $(clock)]"; }

# The n8n installs the end-to-end tests need (15-30 min each on a fresh machine, a second when
# cached) run in the background from the start, side by side, while the build and the fast tests run.
versions="$(ls scripts/n8n-installs | tr '\n' ' ')"
if [ -n "${E2E_N8N_VERSIONS:-}" ]; then versions="${E2E_N8N_VERSIONS//,/ }"; fi
for version in $versions; do
  (
    started=$SECONDS
    if bash scripts/install-n8n.sh "$version" >"$results/install-$version.log" 2>&1; then
      echo "n8n $version ready after $((SECONDS - started)) s" >"$results/install-$version.done"
    else
      { echo "n8n $version could not be installed:"; tail -n 20 "$results/install-$version.log"; } \
        >"$results/install-$version.failed"
    fi
  ) &
done

step "build"
npm run --silent build || exit 1

step "lint (n8n-node lint: n8n's strict default config, whole repository)"
npm run --silent lint || exit 1

step "unit and node tests"
npx jest --selectProjects unit node --json --outputFile="$results/fast.json"
fast=$?

step "n8n installs ($versions)"
wait
cat "$results"/install-*.done "$results"/install-*.failed 2>/dev/null

step "end-to-end tests in real n8n ($versions)"
if ls "$results"/install-*.failed >/dev/null 2>&1; then
  echo "not run: an n8n install failed (above)"
  e2e=1
else
  E2E_SKIP_BUILD=1 npx jest --selectProjects e2e --runInBand --json --outputFile="$results/e2e.json"
  e2e=$?
fi

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(2)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped in ${process.argv[1]}`);
' "$(clock)" "$results/fast.json" "$results/e2e.json"

[ "$fast" -eq 0 ] && [ "$e2e" -eq 0 ]

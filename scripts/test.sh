#!/usr/bin/env bash
# `npm test`: build, lint the way n8n's scanner does, then unit tests, node tests through n8n's
# execution engine, and end-to-end tests inside real n8n installs (installed on first run).
set -uo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

step() { echo; echo "== $*"; }

step "build"
npm run --silent build || exit 1

step "lint (n8n's community-node rules)"
npm run --silent lint || exit 1

step "unit and node tests"
npx jest --selectProjects unit node --json --outputFile="$results/fast.json"
fast=$?

step "end-to-end tests in real n8n (${E2E_N8N_VERSIONS:-2.41.1 1.123.81})"
E2E_SKIP_BUILD=1 npx jest --selectProjects e2e --runInBand --json --outputFile="$results/e2e.json"
e2e=$?

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/fast.json" "$results/e2e.json"

[ "$fast" -eq 0 ] && [ "$e2e" -eq 0 ]

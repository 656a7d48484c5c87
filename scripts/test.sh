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

# The n8n installs the end-to-end tests need (a few minutes each on a fresh machine, a second when
# cached) run in the background from the start, newest version first and one after the other: on
# two cores npm's unpacking is the bottleneck, so the newest (whose end-to-end suites take longest)
# is ready minutes sooner than side by side, and the next finds much of what it needs in npm's
# cache. Each version's end-to-end tests start as
# soon as its install is ready and the package is built, beside the unit and node tests: the
# end-to-end tests mostly wait on n8n and the fake Mindee, so running them together saves most of
# their time on two cores. Each part writes its own log, printed whole when it ends.
versions="$(ls scripts/n8n-installs | sort -rV | tr '\n' ' ')"
if [ -n "${E2E_N8N_VERSIONS:-}" ]; then versions="${E2E_N8N_VERSIONS//,/ }"; fi
(
  for version in $versions; do
    started=$SECONDS
    if bash scripts/install-n8n.sh "$version" >"$results/install-$version.log" 2>&1; then
      echo "n8n $version ready after $((SECONDS - started)) s" >"$results/install-$version.done"
    else
      { echo "n8n $version could not be installed:"; tail -n 20 "$results/install-$version.log"; } \
        >"$results/install-$version.failed"
    fi
  done
) &

step "build"
npm run --silent build || exit 1

step "lint (n8n-node lint: n8n's strict default config, whole repository)"
npm run --silent lint || exit 1

# Packed once, as n8n's community-nodes installer downloads it; every end-to-end test installs it.
npm pack --silent --pack-destination "$results" >/dev/null || exit 1
export E2E_PACKAGE_TARBALL E2E_SKIP_BUILD=1
E2E_PACKAGE_TARBALL="$(ls "$results"/*.tgz)"

# Prints a part's log once it has ended, with how long it took.
report() {
  local name="$1" log="$2" started="$3"
  step "$name: done after $((SECONDS - started)) s"
  cat "$log"
}

step "unit and node tests, and the end-to-end tests in real n8n ($versions) as each install is ready"
(
  started=$SECONDS
  npx jest --selectProjects unit node --json --outputFile="$results/fast.json" >"$results/fast.log" 2>&1
  report "unit and node tests" "$results/fast.log" "$started"
) &
# The queue-mode suite (about 8 minutes, mostly waiting on a 40-uploads-a-minute limit) runs as a
# part of its own beside the other suites of its version.
e2e_parts=""
for version in $versions; do
  for part in queue-mode others; do
    e2e_parts+=" $version-$part"
    (
      while [ ! -f "$results/install-$version.done" ] && [ ! -f "$results/install-$version.failed" ]; do sleep 2; done
      if [ -f "$results/install-$version.failed" ]; then
        step "end-to-end tests in n8n $version ($part): not run"
        cat "$results/install-$version.failed"
        exit 0
      fi
      [ "$part" = others ] && cat "$results/install-$version.done"
      if [ "$part" = queue-mode ]; then which=(test/e2e/queue-mode.e2e.test.ts); else which=(--testPathIgnorePatterns queue-mode); fi
      started=$SECONDS
      E2E_N8N_VERSIONS="$version" npx jest --selectProjects e2e --runInBand "${which[@]}" \
        --json --outputFile="$results/e2e-$version-$part.json" >"$results/e2e-$version-$part.log" 2>&1
      report "end-to-end tests in n8n $version ($part)" "$results/e2e-$version-$part.log" "$started"
    ) &
  done
done
wait

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  const failures = [];
  for (const f of process.argv.slice(2)) {
    if (!fs.existsSync(f)) { console.log(`missing: ${f}`); failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
    if (!r.success && r.numFailedTests + r.numRuntimeErrorTestSuites === 0) failed++;
    // Named again at the end, where a log cut to its last lines still shows them.
    for (const suite of r.testResults) {
      const file = suite.name.replace(process.cwd() + "/", "");
      const tests = suite.assertionResults.filter((test) => test.status === "failed");
      for (const test of tests) failures.push(`${file} › ${test.fullName}`);
      if (!tests.length && suite.status === "failed") failures.push(`${file}: ${(suite.message || "").split("\n").find((line) => line.trim())?.trim() || "the suite did not run"}`);
    }
  }
  if (failures.length) console.log(`\nFailed:\n${failures.map((name) => `  ${name}`).join("\n")}`);
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped in ${process.argv[1]}`);
  process.exit(failed ? 1 : 0);
' "$(clock)" "$results/fast.json" $(for part in $e2e_parts; do echo "$results/e2e-$part.json"; done)

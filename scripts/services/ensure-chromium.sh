#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed, for the browser end-to-end test (test/e2e/editor.e2e.test.ts)
# and `npm run screenshots`. Idempotent: when it is already there it only prints where it is.
# Playwright's own browser download is not used: only the npm and Debian registries are reachable.
#
# Prints, on stdout, one line the test reads:
#   CHROMIUM=/usr/bin/chromium
# Progress goes to stderr. CHROMIUM_PATH=<binary> skips the check and the install.
set -euo pipefail

log() { echo "[ensure-chromium] $*" >&2; }

find_chromium() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! find_chromium >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      log "chromium is missing; run as root (or with passwordless sudo), or: apt-get install chromium"
      exit 1
    fi
  else
    SUDO=()
  fi
  # One installer at a time (two test processes may get here together); apt has its own lock, but
  # the second caller should wait for the first install rather than fail on it.
  exec 8>/tmp/ensure-chromium.lock
  flock 8
  if ! find_chromium >/dev/null; then
    log "installing Debian's chromium with apt-get (a minute or two on a fresh machine)"
    export DEBIAN_FRONTEND=noninteractive
    # An update first: on a fresh machine the package lists may be empty or stale.
    "${SUDO[@]}" apt-get update -qq >&2 || log "apt-get update failed; trying the install anyway"
    # Without recommends (udev, upower, printer tools: useless headless), but with the fonts the
    # editor and the screenshots need.
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-dejavu-core >&2
  fi
fi

chromium="$(find_chromium)" || { log "chromium not found after install"; exit 1; }
echo "CHROMIUM=$chromium"

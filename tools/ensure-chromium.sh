#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests. Playwright is told to use it through
# executable_path, so no browser is ever downloaded. Without root or apt the browser tests are
# skipped with a visible reason instead.
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null \
    && echo "chromium installed: $(chromium --version 2>/dev/null)" \
    || echo "WARNING: could not install chromium; browser tests will be skipped"
else
  echo "WARNING: chromium is not installed and cannot be installed here (needs root and apt);"
  echo "         browser tests will be skipped. Install Debian's 'chromium' package to run them."
fi
exit 0

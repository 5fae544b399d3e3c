#!/usr/bin/env bash
# Installs the headless browser the console's end-to-end test drives (Debian's chromium and
# chromium-driver). The test itself looks for /usr/bin/chromium and /usr/bin/chromedriver: under
# CI=true a missing browser fails it, elsewhere it is skipped with a message naming this script.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null

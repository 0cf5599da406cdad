#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing. Needs root (CI is).
set -euo pipefail
want=("$@")
if [ ${#want[@]} -eq 0 ]; then
  want=()
  command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || want+=(dovecot-imapd)
  [ -x /usr/bin/chromium ] || want+=(chromium)
  command -v msgfmt >/dev/null || want+=(gettext)
fi
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${want[*]} (run as root, or: sudo apt-get install ${want[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${want[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null

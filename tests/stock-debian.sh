#!/usr/bin/env bash
# Runs the test suite as a stock, minimal Debian 12 would, whatever this
# machine is like:
#   - /etc/hosts as Debian installs it: localhost is ::1 first, then 127.0.0.1
#     (bind-mounted over the real one in a private mount namespace);
#   - no locale at all (LANG, LC_* unset), as on a minimal system;
#   - no TERM (as under cron, CI or a service);
#   - the usual soft open-file limit of 1,024.
# The machines Heard is developed on differ in each (platform-facts.md);
# this keeps the suite from quietly depending on them.
#
#   tests/stock-debian.sh BUILD_DIR [ctest arguments...]
set -euo pipefail

build_dir="$(cd "$1" && pwd)"
shift

if [ "$(id -u)" -ne 0 ]; then
  echo "stock-debian.sh: needs root for a private mount namespace (unshare --mount)" >&2
  exit 1
fi

hosts="$(mktemp)"
trap 'rm -f "$hosts"' EXIT
cat > "$hosts" <<'HOSTS'
127.0.0.1	localhost
127.0.1.1	heard-stock

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
HOSTS

inner='
  set -euo pipefail
  mount --bind "$HOSTS_FILE" /etc/hosts
  first="$(getent ahosts localhost | head -n 1 | cut -d" " -f1)"
  if [ "$first" != "::1" ]; then
    echo "stock-debian.sh: localhost resolves to $first first, not ::1: the stock hosts file did not take" >&2
    exit 1
  fi
  ulimit -Sn 1024
  echo "stock Debian 12: localhost -> ::1 first, no locale, no TERM, open files $(ulimit -Sn)"
  cd "$BUILD_DIR"
  exec ctest "$@"
'
exec unshare --mount -- env -u LANG -u LANGUAGE -u LC_ALL -u LC_CTYPE -u LC_MESSAGES -u TERM \
  HOSTS_FILE="$hosts" BUILD_DIR="$build_dir" bash -c "$inner" stock-debian "$@"

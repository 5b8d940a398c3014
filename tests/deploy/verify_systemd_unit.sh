#!/usr/bin/env bash
# The shipped systemd unit, checked offline by systemd itself (systemd is not
# PID 1 here, so it cannot be started): `systemd-analyze verify` must accept
# it without a single complaint (an unknown key is only a warning, so any
# output fails the test too). The binary path points at the built server.
#   verify_systemd_unit.sh HEARD_SERVER_BIN UNIT_FILE
set -euo pipefail
bin="$1"
unit="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/bin/heard-server|$bin|" "$unit" > "$dir/heard-server.service"
if ! out="$(cd "$dir" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify ./heard-server.service 2>&1)"; then
  echo "systemd-analyze verify refused the unit:"
  echo "$out"
  exit 1
fi
if [ -n "$out" ]; then
  echo "systemd-analyze verify complained about the unit:"
  echo "$out"
  exit 1
fi
for want in NoNewPrivileges=yes ProtectSystem=strict StateDirectory=heard AmbientCapabilities=CAP_NET_BIND_SERVICE \
    LimitNOFILE= Restart=on-failure 'ExecReload=/bin/kill -HUP $MAINPID' User=heard; do
  grep -qF "$want" "$unit" || { echo "the unit lacks $want"; exit 1; }
done
echo "systemd-analyze verify: the unit is accepted"

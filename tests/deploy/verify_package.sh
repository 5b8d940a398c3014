#!/usr/bin/env bash
# `make package` as an operator meets it: CPack builds the two .deb packages
# from the build tree, lintian reports no error, and the packaged binaries,
# extracted from the packages, carry two people through a full session (the
# e2e round test, pointed at them).
#   verify_package.sh BUILD_DIR E2E_TESTS_BIN
set -euo pipefail
build="$1"
e2e="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

(cd "$dir" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$dir/out" > "$dir/cpack.log" 2>&1) || {
  echo "cpack failed:"; cat "$dir/cpack.log"; exit 1; }
server_deb="$(ls "$dir"/out/heard-server_*.deb)"
client_deb="$(ls "$dir"/out/heard_*.deb)"

# Lintian dislikes running as root (CI is root) but checks the same.
if ! lintian --fail-on error "$server_deb" "$client_deb" > "$dir/lintian.log" 2>&1; then
  echo "lintian found errors:"; cat "$dir/lintian.log"; exit 1
fi
grep -v 'running with root privileges' "$dir/lintian.log" | sed 's/^/lintian: /' || true

# What each package holds, as docs/operations.md promises.
dpkg-deb -x "$server_deb" "$dir/root"
dpkg-deb -x "$client_deb" "$dir/root"
for want in usr/bin/heard-server usr/bin/heard lib/systemd/system/heard-server.service usr/lib/sysusers.d/heard.conf \
    etc/heard/heard-server.conf usr/share/man/man8/heard-server.8.gz usr/share/man/man1/heard.1.gz \
    usr/share/doc/heard-server/copyright usr/share/doc/heard-server/operations.md; do
  [ -e "$dir/root/$want" ] || { echo "the packages lack /$want"; exit 1; }
done
dpkg-deb -f "$server_deb" Depends | grep -q libssl3 || { echo "heard-server does not depend on libssl3"; exit 1; }
dpkg-deb --ctrl-tarfile "$server_deb" | tar -xO ./conffiles | grep -qx /etc/heard/heard-server.conf ||
  { echo "/etc/heard/heard-server.conf is not a conffile"; exit 1; }
zcat "$dir/root/usr/share/man/man8/heard-server.8.gz" | grep -q "trusted.-proxy" ||
  { echo "the man page is not made from --help"; exit 1; }
"$dir/root/usr/bin/heard-server" --version | grep -q "protocol" || { echo "the packaged server does not run"; exit 1; }

# The browser client ships with the server and is served as the conffile says.
grep -qx "web-root = /usr/share/heard/web" "$dir/root/etc/heard/heard-server.conf" ||
  { echo "the shipped configuration does not serve the browser client"; exit 1; }
[ -s "$dir/root/usr/share/heard/web/index.html" ] && [ -s "$dir/root/usr/share/heard/web/app.js" ] ||
  { echo "the packages lack the browser client"; exit 1; }
"$dir/root/usr/bin/heard-server" --port 0 --cert "$build/test-certs/server.crt" --key "$build/test-certs/server.key" \
  --web-root "$dir/root/usr/share/heard/web" > "$dir/web-server.log" 2>&1 &
web_server=$!
for _ in $(seq 200); do grep -q "listening on" "$dir/web-server.log" && break; sleep 0.05; done
port="$(sed -n 's/^heard-server listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$dir/web-server.log")"
page="$(printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
  openssl s_client -quiet -connect "127.0.0.1:$port" -servername localhost 2>/dev/null || true)"
kill "$web_server"; wait "$web_server" || true
grep -q "Content-Security-Policy: default-src 'none'" <<< "$page" && grep -q '<script type="module" src="/app.js">' <<< "$page" ||
  { echo "the packaged server does not serve the packaged page:"; cat "$dir/web-server.log"; echo "$page" | head -20; exit 1; }

# A whole session through the packaged binaries.
HEARD_E2E_SERVER_BIN="$dir/root/usr/bin/heard-server" HEARD_E2E_CLIENT_BIN="$dir/root/usr/bin/heard" \
  "$e2e" --gtest_filter='e2e_test.two_people_complete_a_round_with_a_retry_and_the_check_in'
echo "make package: two packages, lintian clean of errors, the page served, a session through the packaged binaries"

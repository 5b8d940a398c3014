#!/usr/bin/env bash
# Runs testssl (Debian package testssl.sh) against a real heard-server and
# fails on any HIGH or CRITICAL finding outside the short allow-list below.
# testssl exits 0 even with CRITICAL findings, so its --jsonfile is read.
#
#   tests/tls/testssl_check.sh SERVER_BIN CERT_DIR
set -euo pipefail

server_bin="$1"
certs="$2"
command -v testssl >/dev/null || { echo "testssl is not installed (Debian package testssl.sh)"; exit 1; }

work="$(mktemp -d)"
"$server_bin" --port 0 --threads 2 --cert "$certs/server.crt" --key "$certs/server.key" \
  > "$work/server.out" 2> "$work/server.err" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT

# Wait (10 s at most) for the server to say where it listens.
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/server.out" && break
  sleep 0.1
done
port="$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$work/server.out")"
[ -n "$port" ] || { echo "heard-server did not start"; cat "$work/server.err"; exit 1; }

testssl --quiet --color 0 --warnings off --add-ca "$certs/ca.crt" --jsonfile "$work/testssl.json" \
  --ip 127.0.0.1 --sneaky "localhost:$port" > "$work/testssl.out" 2>&1 || true
[ -s "$work/testssl.json" ] || { echo "testssl wrote no results"; cat "$work/testssl.out"; exit 1; }

# Findings accepted, each with its reason:
#   cert_revocation - a private development CA publishes no CRL or OCSP responder.
allowed='^(cert_revocation)$'

# One "severity id" line per finding (the JSON puts each field on its own line).
awk '
  /"id"[ ]*:/       { id = $0; sub(/.*: *"/, "", id); sub(/".*/, "", id) }
  /"severity"[ ]*:/ { sev = $0; sub(/.*: *"/, "", sev); sub(/".*/, "", sev); print sev, id }
' "$work/testssl.json" > "$work/findings"

grep -q "TLS1_3" "$work/findings" || { echo "testssl did not test TLS 1.3"; exit 1; }
echo "testssl findings by severity:"
cut -d' ' -f1 "$work/findings" | sort | uniq -c | sed 's/^/  /'

failed=0
while read -r severity id; do
  case "$severity" in
    HIGH|CRITICAL)
      if [[ "$id" =~ $allowed ]]; then
        echo "allowed: $severity $id"
      else
        echo "NOT ALLOWED: $severity $id: $(grep -A3 "\"id\" *: *\"$id\"" "$work/testssl.json" | sed -n 's/.*"finding" *: *"\(.*\)".*/\1/p')"
        failed=1
      fi
      ;;
  esac
done < "$work/findings"
exit "$failed"

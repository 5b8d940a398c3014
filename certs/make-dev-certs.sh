#!/usr/bin/env bash
# Makes a local development CA and an ECDSA P-256 server certificate for
# localhost, 127.0.0.1 and ::1 (Mozilla "modern" wants ECDSA). Keys never
# leave the output folder, which git ignores.
#
#   certs/make-dev-certs.sh [OUT_DIR]     (default: certs/dev beside this script)
#
# HEARD_CERT_HOSTS adds names and addresses the certificate is also valid
# for, so a partner on another machine can reach this one, e.g.
#   HEARD_CERT_HOSTS="laptop.local,192.168.1.20" certs/make-dev-certs.sh
# Existing files are kept; delete the folder to start over.
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")" && pwd)/dev}"
days="${HEARD_CERT_DAYS:-825}"
mkdir -p "$out"
chmod 700 "$out"
cd "$out"

if [ -s server.crt ] && [ -s server.key ] && [ -s ca.crt ]; then
  exit 0
fi

alt_names="DNS:localhost,IP:127.0.0.1,IP:::1"
IFS=',' read -r -a extra_hosts <<< "${HEARD_CERT_HOSTS:-}"
for host in "${extra_hosts[@]}"; do
  host="${host// /}"
  [ -z "$host" ] && continue
  if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then
    alt_names+=",IP:$host"
  elif [[ "$host" =~ ^[A-Za-z0-9.-]+$ ]]; then
    alt_names+=",DNS:$host"
  else
    echo "make-dev-certs: '$host' in HEARD_CERT_HOSTS is neither a host name nor an address" >&2
    exit 2
  fi
done

umask 077
openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=Heard development CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.crt

openssl ecparam -name prime256v1 -genkey -noout -out server.key 2>/dev/null
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
cat > server.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=${alt_names}
EXT
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
  -extfile server.ext -out server.crt 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 644 ca.crt server.crt
echo "Development certificates in $out (trust ca.crt in the client: --ca $out/ca.crt)"

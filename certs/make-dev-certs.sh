#!/usr/bin/env bash
# Makes a local development CA and an ECDSA P-256 server certificate for
# localhost, 127.0.0.1 and ::1 (Mozilla "modern" wants ECDSA). Keys never
# leave the output folder, which git ignores.
#
#   certs/make-dev-certs.sh [OUT_DIR]     (default: certs/dev beside this script)
#
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
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
  -extfile server.ext -out server.crt 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 644 ca.crt server.crt
echo "Development certificates in $out (trust ca.crt in the client: --ca $out/ca.crt)"

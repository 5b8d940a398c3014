#!/usr/bin/env bash
# Test certificates, made fresh in the build tree (never committed): the
# development set from certs/make-dev-certs.sh, plus two the client must
# refuse - one for another host name, one that expired in 2020.
set -euo pipefail

out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../certs/make-dev-certs.sh" "$out"
cd "$out"
[ -s expired.crt ] && [ -s wrong-name.crt ] && exit 0

umask 077
make_cert() {  # name, subjectAltName, extra openssl-ca arguments...
  local name="$1" san="$2"
  shift 2
  openssl ecparam -name prime256v1 -genkey -noout -out "$name.key" 2>/dev/null
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr"
  local dir
  dir="$(mktemp -d)"
  touch "$dir/index.txt"
  cat > "$dir/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = anything
copy_extensions = none
x509_extensions = server
[ anything ]
commonName = supplied
[ server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
CNF
  echo 01 > "$dir/serial"
  openssl ca -batch -notext -config "$dir/ca.cnf" -cert ca.crt -keyfile ca.key -in "$name.csr" -out "$name.crt" \
    "$@" 2>/dev/null
  rm -rf "$dir" "$name.csr"
}

make_cert wrong-name "DNS:other.test" -days 30
make_cert expired "DNS:localhost,IP:127.0.0.1" -startdate 20200101000000Z -enddate 20200201000000Z
chmod 644 ./*.crt

# Test and demo certificates, made with the openssl command line only (so
# nothing secret is committed): a private CA, server certificates for
# 127.0.0.1/localhost, and the bad ones the suite proves cchc refuses.
#   . scripts/lib/certs.sh; certs_make DIR     or   bash scripts/lib/certs.sh DIR
# DIR gets (every *.crt but ca/other-ca has the key server.key):
#   ca.crt ca.key              the CA cchc is told to trust (--ca)
#   server.crt                 127.0.0.1, ::1 and localhost, signed by ca
#   server2.crt                the same names, another certificate (reload)
#   wronghost.crt              signed by ca, but for cchc.example.invalid
#   expired.crt                signed by ca, valid only in 2020
#   untrusted.crt              right names, signed by other-ca (not trusted)
# OpenSSL 3.0 (Debian 12) has no `x509 -not_after`; the expired certificate
# is made with `openssl ca -startdate/-enddate` and a minimal CA config.

certs_make() {
  local dir=$1
  mkdir -p "$dir"
  (
    set -euo pipefail
    cd "$dir"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 3650 \
      -subj "/O=cchc test/CN=cchc test CA" 2>/dev/null
    openssl req -x509 "${ec[@]}" -keyout other-ca.key -out other-ca.crt -days 3650 \
      -subj "/O=somebody else/CN=other CA" 2>/dev/null
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out server.key
    openssl req -new -key server.key -subj "/O=cchc test/CN=localhost" -out server.csr
    local good="subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
    local wrong="subjectAltName=DNS:cchc.example.invalid"
    local sign=(x509 -req -in server.csr -days 825 -out)
    openssl "${sign[@]}" server.crt -CA ca.crt -CAkey ca.key -set_serial 1 \
      -extfile <(echo "$good") 2>/dev/null
    openssl "${sign[@]}" server2.crt -CA ca.crt -CAkey ca.key -set_serial 2 \
      -extfile <(echo "$good") 2>/dev/null
    openssl "${sign[@]}" wronghost.crt -CA ca.crt -CAkey ca.key -set_serial 3 \
      -extfile <(echo "$wrong") 2>/dev/null
    openssl "${sign[@]}" untrusted.crt -CA other-ca.crt -CAkey other-ca.key -set_serial 4 \
      -extfile <(echo "$good") 2>/dev/null
    # expired: `openssl ca` is the one 3.0 tool that takes dates in the past
    mkdir -p ca-db
    : >ca-db/index.txt
    echo 05 >ca-db/serial
    cat >ca-db/ca.cnf <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = server_ext
unique_subject = no
[any]
organizationName = optional
commonName = supplied
[server_ext]
$good
CNF
    openssl ca -batch -config ca-db/ca.cnf -in server.csr -out expired.crt \
      -startdate 200101000000Z -enddate 201231000000Z -notext 2>/dev/null
    rm -rf ca-db server.csr
    chmod 600 ./*.key
  )
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  [[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
  certs_make "$1"
fi

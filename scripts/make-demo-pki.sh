#!/usr/bin/env bash
# Makes the DEMO public-key infrastructure in tables/demo-pki/: a demo certificate authority and one SM2 signing key
# and certificate for each demo enterprise (src/app/demo.ts), valid ten years. DEMO ONLY: the enterprise keys are
# published in this repository, so these certificates prove nothing; the CA's own key is thrown away, so no other
# certificate can ever be issued under the demo CA. A zone trusts the demo CA only until its operator loads the
# China E-Port / customs CA roots (README: "Certificates the zone trusts") and removes it.
# Needs OpenSSL 3 (SM2, SM3). Run from anywhere; it overwrites the folder.
set -euo pipefail
cd "$(dirname "$0")/../tables/demo-pki"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
distid=(-sigopt distid:1234567812345678)

openssl genpkey -algorithm SM2 -out "$work/ca.key"
openssl req -new -x509 -key "$work/ca.key" -sm3 "${distid[@]}" -days 3650 \
  -subj "/C=CN/O=cbec-zone DEMO ONLY/OU=演示数据 not a real CA/CN=【演示】cbec-zone 综试区演示 CA (DEMO)" -utf8 \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out demo-ca.pem

# USCC and name of each demo enterprise, in the order of src/app/demo.ts
while read -r uscc name; do
  openssl genpkey -algorithm SM2 -out "$uscc.key.pem"
  openssl req -new -key "$uscc.key.pem" -sm3 "${distid[@]}" -utf8 \
    -subj "/C=CN/O=$name/OU=$uscc/CN=$uscc" -out "$work/$uscc.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' > "$work/ext"
  openssl x509 -req -in "$work/$uscc.csr" -CA demo-ca.pem -CAkey "$work/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -sm3 "${distid[@]}" -vfyopt distid:1234567812345678 -days 3650 -extfile "$work/ext" -out "$uscc.cert.pem"
done <<'LIST'
91620100MA7LHD015D 【演示】兰州丝路跨境电商平台有限公司
91620100MA7LHD0238 【演示】甘肃陇货出海电子商务有限公司
91620100MA7LHD0313 【演示】西部跨境支付服务有限公司
91620100MA7LHD04XT 【演示】兰州国际陆港物流有限公司
91620100MA7LHD058T 【演示】兰州新区综保区仓储有限公司
LIST
echo "demo PKI written to $(pwd)"

# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: Certificates and kubeconfigs.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

ca_sign() { # <name> <subject> <extensions>
  local name=$1 subj=$2 ext=$3
  [ -f "$PKI/$name.crt" ] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  printf '%b\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

setup_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    log "creating certificates in $PKI"
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=tributary-e2e-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/ca.crt" 2>/dev/null
  fi
  local client='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
  local server='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth'
  ca_sign etcd-server "/CN=etcd" "$server\nsubjectAltName=IP:127.0.0.1,DNS:localhost"
  ca_sign apiserver-etcd-client "/CN=kube-apiserver-etcd-client" "$client"
  ca_sign apiserver "/CN=kube-apiserver" "$server\nsubjectAltName=IP:127.0.0.1,IP:$NODE_IP,IP:$KUBERNETES_SVC_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  ca_sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  ca_sign admin "/O=system:masters/CN=tributary-e2e-admin" "$client"
  ca_sign controller-manager "/CN=system:kube-controller-manager" "$client"
  ca_sign scheduler "/CN=system:kube-scheduler" "$client"
  ca_sign kube-proxy "/CN=system:kube-proxy" "$client"
  ca_sign kwok "/O=system:masters/CN=kwok-controller" "$client"
  ca_sign coredns "/O=system:masters/CN=coredns" "$client"
  ca_sign kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
  ca_sign kubelet-server "/CN=$NODE_NAME" "$server\nsubjectAltName=IP:$NODE_IP,DNS:$NODE_NAME"
  if [ ! -f "$PKI/sa.key" ]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
}

write_kubeconfig() { # <file> <cert name> [server]
  local file=$1 name=$2 server=${3:-https://127.0.0.1:$API_PORT}
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tributary-e2e
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$name.crt")
    client-key-data: $(base64 -w0 "$PKI/$name.key")
contexts:
- name: tributary-e2e
  context:
    cluster: tributary-e2e
    user: $name
current-context: tributary-e2e
EOF
  chmod 600 "$file"
}

setup_kubeconfigs() {
  mkdir -p "$CONF"
  write_kubeconfig "$KUBECONFIG_ADMIN" admin
  local n
  for n in controller-manager scheduler kube-proxy kwok coredns kubelet-client; do
    write_kubeconfig "$CONF/$n.kubeconfig" "$n"
  done
}

# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: the data services the samples read and write, run on
# the node's bridge address like Kafka, so pods reach them and nothing outside does:
#   PostgreSQL  $NODE_IP:$POSTGRES_PORT  databases crm and ledger (seeded demo data), iceberg
#                                        (the samples' Iceberg JDBC catalog)
#   Redis       $NODE_IP:$REDIS_PORT     the samples' online feature store
#   S3          $NODE_IP:$S3_PORT        SeaweedFS (lib/seaweedfs.sh): the samples' lake, bucket lake
#   MQTT        $NODE_IP:$MQTT_PORT      Mosquitto (lib/mosquitto.sh): sensors for source.mqtt
# PostgreSQL and Redis come from Debian's packages (their own service instances, on loopback,
# stay untouched); SeaweedFS is built from its Go module.
# The Services that give them cluster names are platform_services (below).
# shellcheck disable=SC2154

# The demo roles' password. The same literal is in config/quickstart/demo-secrets.yaml.
DEMO_DB_PASSWORD=demo-only-password

postgres_bin() {
  local d
  d=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql (package postgresql)"
  echo "$d"
}

start_postgres() {
  pid_alive postgres && { log "postgres already running (pid $(pid_of postgres))"; return 0; }
  local bin dir=$STATE/postgres
  bin=$(postgres_bin)
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $dir/data"
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 >>"$LOGS/postgres.log" 2>&1 || die "initdb failed (see $LOGS/postgres.log)"
    # Pods and the host reach it on the bridge only; roles log in with passwords.
    echo "host all all $POD_CIDR scram-sha-256" >>"$dir/data/pg_hba.conf"
  fi
  start_proc postgres runuser -u postgres -- "$bin/postgres" -D "$dir/data" \
    -c "listen_addresses=$NODE_IP" -c "port=$POSTGRES_PORT" -c "unix_socket_directories=$dir" \
    -c max_connections=200 -c fsync=off
}

postgres_ready() {
  runuser -u postgres -- "$(postgres_bin)/pg_isready" -q -h "$STATE/postgres" -p "$POSTGRES_PORT"
}

# psql_ <database> [psql args...]: as the superuser, over the private socket
psql_() {
  local db=$1
  shift
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h "$STATE/postgres" -p "$POSTGRES_PORT" -d "$db" "$@"
}

# seed_demo_data: the samples' databases, each created and filled once (a marker table says it
# is complete, so an interrupted seed is redone).
seed_demo_data() {
  psql_ postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ledger'" | grep -q 1 \
    && psql_ ledger -tAc "SELECT 1 FROM pg_tables WHERE tablename = 'seeded'" | grep -q 1 \
    && return 0
  log "seeding the samples' demo databases (crm, ledger, iceberg)"
  psql_ postgres >>"$LOGS/postgres.log" 2>&1 <<SQL || die "seeding the demo databases failed (see $LOGS/postgres.log)"
DROP DATABASE IF EXISTS crm;
DROP DATABASE IF EXISTS ledger;
DROP DATABASE IF EXISTS iceberg;
DO \$\$ BEGIN
  CREATE ROLE crm_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
DO \$\$ BEGIN
  CREATE ROLE ledger_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
DO \$\$ BEGIN
  CREATE ROLE iceberg LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
ALTER ROLE crm_reader PASSWORD '$DEMO_DB_PASSWORD';
ALTER ROLE ledger_reader PASSWORD '$DEMO_DB_PASSWORD';
ALTER ROLE iceberg PASSWORD '$DEMO_DB_PASSWORD';
CREATE DATABASE crm;
CREATE DATABASE ledger;
CREATE DATABASE iceberg OWNER iceberg;
SQL
  # CRM: 2,000 customers of a regional retailer. Repeatable (setseed), realistic spreads.
  psql_ crm >>"$LOGS/postgres.log" 2>&1 <<'SQL' || die "seeding crm failed (see $LOGS/postgres.log)"
SELECT setseed(0.42);
CREATE TABLE public.customers (
  customer_id    integer PRIMARY KEY,
  email          text NOT NULL,
  phone          text,
  birth_date     timestamptz,
  country        text NOT NULL,
  lifetime_value numeric(12, 2) NOT NULL,
  orders_12m     integer NOT NULL,
  updated_at     timestamptz NOT NULL
);
INSERT INTO public.customers
SELECT i,
       -- mixed case and stray spaces: the pipeline's normalize step cleans them
       CASE WHEN i % 7 = 0 THEN ' ' ELSE '' END
         || (ARRAY['Aisha','omar','Fatima','JOHN','priya','Wei','Layla','Ahmed'])[1 + i % 8]
         || '.' || i || '@' || (ARRAY['example.ae','Example.com','mail.example.sa'])[1 + i % 3],
       CASE WHEN i % 10 = 0 THEN NULL ELSE '+9715' || lpad((i * 7919 % 100000000)::text, 8, '0') END,
       timestamptz '1960-01-01' + (random() * 45 * 365) * interval '1 day',
       (ARRAY['ae','AE','sa','SA ','gb','in'])[1 + i % 6],
       round((random() ^ 3 * 40000)::numeric, 2),
       floor(random() * 40)::int,
       timestamptz '2026-11-01' + (i % 720) * interval '1 hour'
FROM generate_series(1, 2000) AS i;
GRANT SELECT ON public.customers TO crm_reader;
SQL
  # Ledger: 5,000 card transactions of 300 UAE customers over three days.
  psql_ ledger >>"$LOGS/postgres.log" 2>&1 <<'SQL' || die "seeding ledger failed (see $LOGS/postgres.log)"
SELECT setseed(0.7);
CREATE SCHEMA ledger;
CREATE TABLE ledger.card_transactions (
  txn_id            text PRIMARY KEY,
  customer_id       text NOT NULL,
  emirates_id       text NOT NULL,
  iban              text NOT NULL,
  merchant_category text NOT NULL,
  amount_aed        numeric(12, 2) NOT NULL,
  posted_at         timestamptz NOT NULL
);
INSERT INTO ledger.card_transactions
SELECT 'txn-' || lpad(i::text, 6, '0'),
       'cust-' || lpad((i % 300)::text, 4, '0'),
       '784-19' || lpad((80 + i % 20)::text, 2, '0') || '-' || lpad((i % 300 * 3331 % 10000000)::text, 7, '0') || '-1',
       'AE07033' || lpad((i % 300 * 104729 % 10000000000000000)::text, 16, '0'),
       (ARRAY['grocery','fuel','travel','electronics','restaurants'])[1 + i % 5],
       round((5 + random() ^ 2 * 4000)::numeric, 2),
       timestamptz '2026-11-28' + (i * 51) * interval '1 second'
FROM generate_series(1, 5000) AS i;
GRANT USAGE ON SCHEMA ledger TO ledger_reader;
GRANT SELECT ON ledger.card_transactions TO ledger_reader;
CREATE TABLE public.seeded ();
SQL
}

start_redis() {
  pid_alive redis && { log "redis already running (pid $(pid_of redis))"; return 0; }
  command -v redis-server >/dev/null || die "redis-server not found (package redis-server)"
  mkdir -p "$STATE/redis"
  # An online store for the demo: in memory only, reachable on the bridge without a password
  # (the samples' featureStore sinks set none).
  start_proc redis redis-server --bind "$NODE_IP" --port "$REDIS_PORT" --protected-mode no \
    --save "" --appendonly no --dir "$STATE/redis"
}

redis_ready() {
  [ "$(redis-cli -h "$NODE_IP" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

start_s3() {
  pid_alive seaweedfs && { log "seaweedfs already running (pid $(pid_of seaweedfs))"; return 0; }
  mkdir -p "$STATE/seaweedfs"
  seaweedfs_s3_config "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >"$CONF/seaweedfs-s3.json"
  start_proc seaweedfs "$E2E_DIR/lib/seaweedfs.sh" serve "$STATE/seaweedfs" "$NODE_IP" "$S3_PORT" \
    "$CONF/seaweedfs-s3.json"
}

# s3_ready: the S3 API answers (403 to an anonymous request: it wants signed ones).
s3_ready() {
  curl -s -o /dev/null "http://$NODE_IP:$S3_PORT/"
}

# s3_ <curl args...>: a request signed with the store's identity (curl's AWS SigV4).
s3_() {
  curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" "$@"
}

# s3_buckets: the samples' bucket (a PUT of an existing bucket is refused; that is fine).
s3_buckets() {
  s3_ -o /dev/null "http://$NODE_IP:$S3_PORT/lake" \
    || s3_ -X PUT -o /dev/null "http://$NODE_IP:$S3_PORT/lake" \
    || die "creating the S3 bucket lake failed"
}

# platform_services: cluster names for what runs on the node, in tributary-system, as a platform
# team would publish its shared brokers and databases: headless Services whose EndpointSlices
# point at the bridge address (the services advertise that address themselves).
platform_services() {
  local name port
  {
    echo "apiVersion: v1"
    echo "kind: Namespace"
    echo "metadata: {name: tributary-system}"
    for name in kafka:$KAFKA_PORT postgres:$POSTGRES_PORT redis:$REDIS_PORT s3:$S3_PORT mqtt:$MQTT_PORT; do
      port=${name#*:} name=${name%%:*}
      cat <<YAML
---
apiVersion: v1
kind: Service
metadata: {name: $name, namespace: tributary-system, labels: {tributary.io/local-cluster: "true"}}
spec:
  clusterIP: None
  ports: [{name: $name, port: $port, targetPort: $port}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: $name-node
  namespace: tributary-system
  labels: {kubernetes.io/service-name: $name, tributary.io/local-cluster: "true"}
addressType: IPv4
ports: [{name: $name, port: $port, protocol: TCP}]
endpoints: [{addresses: ["$NODE_IP"]}]
YAML
    done
  } | kubectl_ apply -f - >>"$LOGS/platform-services.log" 2>&1 \
    || die "creating the platform Services failed (see $LOGS/platform-services.log)"
}

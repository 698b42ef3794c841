#!/usr/bin/env bash
# The main job: a local Kubernetes cluster built from upstream sources (e2e/cluster.sh), a
# Kafka broker, the Tributary operator running as a Deployment of its own image, and the
# samples in config/samples — then a StreamJob moving real records, and where to look next.
# Idempotent: run it again and it reuses what is up. `e2e/cluster.sh down` stops it all.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

[ "$(id -u)" = 0 ] || { echo "run as root (as root): the cluster needs kubelet, containerd and iptables" >&2; exit 1; }

say "Building the operator and the worker runtime (Maven, tests skipped: ./test.sh runs them)"
mvn -B -ntp -q -DskipTests package

say "Bringing up the local cluster and Kafka (first run builds Kubernetes from source: ~10-25 min)"
e2e/cluster.sh up

say "Building the images (operator, runtime) and loading them onto the node"
e2e/cluster.sh images
eval "$(e2e/cluster.sh env)"

say "Installing the operator with its Helm chart (e2e/install-operator.sh: helm upgrade --install tributary charts/tributary)"
e2e/install-operator.sh

# e2e/cluster.sh also runs PostgreSQL (seeded: databases crm and ledger) and Redis for the
# samples, and publishes kafka, postgres and redis as Services in tributary-system.
# The broker's own jars (resolved by e2e/cluster.sh) carry the console tools.
kafka_cp="${TRIBUTARY_E2E_CACHE:-$ROOT/.cache}/kafka/4.4.0/libs/*"
say "Creating the topics the samples read (workers refuse to start on a missing input topic)"
for spec in payments.transactions:6 uae-banking.transfers:3 uae-banking.consent:1 media.images.uploaded:3; do
  java -cp "$kafka_cp" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
    --create --if-not-exists --topic "${spec%:*}" --partitions "${spec#*:}" --replication-factor 1 2>/dev/null
done

say "Applying the samples (namespaces, compute pools, pipelines) and their demo Secrets"
kubectl apply -f config/samples/namespaces.yaml
kubectl apply -f config/quickstart/demo-secrets.yaml
kubectl apply -k config/samples

say "Producing 1,000 card transactions into payments.transactions"
python3 - >/tmp/tributary-demo-transactions.jsonl <<'PY'
import json, random, datetime
random.seed(7)
now = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.timezone.utc)
for i in range(1000):
    print(json.dumps({
        "transaction_id": f"t-{i:05d}",
        "card_number": "4%015d" % random.randrange(10**15),
        "amount": round(random.uniform(-5, 900), 2),
        "currency": "AED",
        "merchant_id": f"m-{random.randrange(50):03d}",
        "merchant_country": random.choice(["AE", "AE", "AE", "SA", "GB"]),
        "card_country": random.choice(["AE", "AE", "IN"]),
        "event_time": (now + datetime.timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
    }))
PY
java -cp "$kafka_cp" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$KAFKA_BOOTSTRAP" \
  --topic payments.transactions < /tmp/tributary-demo-transactions.jsonl

say "Consent of 200 of the ledger's 300 customers to spend analytics (the compacted topic uae-banking.consent)"
for i in $(seq 0 199); do
  printf 'cust-%04d\t{"purposes":["spend-analytics"]}\n' "$i"
done | java -cp "$kafka_cp" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$KAFKA_BOOTSTRAP" \
  --topic uae-banking.consent --property parse.key=true --property key.separator=$'\t'

say "Producing 200 transfers into uae-banking.transfers (a few of AED 55,000 or more)"
python3 - >/tmp/tributary-demo-transfers.jsonl <<'PY'
import json, random
random.seed(11)
for i in range(200):
    print(json.dumps({
        "transfer_id": f"tr-{i:05d}",
        "sender_name": random.choice(["Aisha Al Mansoori", "Omar Haddad", "Priya Nair", "Wei Chen"]),
        "sender_iban": "AE07033%016d" % random.randrange(10**16),
        "beneficiary_iban": "AE46026%016d" % random.randrange(10**16),
        "amount_aed": round(random.choice([random.uniform(10, 20000)] * 9 + [random.uniform(55000, 250000)]), 2),
    }))
PY
java -cp "$kafka_cp" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$KAFKA_BOOTSTRAP" \
  --topic uae-banking.transfers < /tmp/tributary-demo-transfers.jsonl

say "Waiting for the fraud-detection StreamJob to be Ready"
kubectl -n payments wait streamjob/fraud-detection --for=condition=Ready --timeout=5m || true

say "Five scored, masked records from payments.transactions.scored (read_committed)"
timeout 120 java -cp "$kafka_cp" org.apache.kafka.tools.consumer.ConsoleConsumer \
  --bootstrap-server "$KAFKA_BOOTSTRAP" --topic payments.transactions.scored --from-beginning \
  --isolation-level read_committed --max-messages 5 2>/dev/null || echo "(no output yet: see kubectl -n payments logs deploy/fraud-detection-worker)"

say "Large transfers flagged by aml-screening into uae-banking.aml-alerts (IBANs tokenized, names redacted)"
timeout 120 java -cp "$kafka_cp" org.apache.kafka.tools.consumer.ConsoleConsumer \
  --bootstrap-server "$KAFKA_BOOTSTRAP" --topic uae-banking.aml-alerts --from-beginning \
  --isolation-level read_committed --max-messages 3 2>/dev/null || echo "(no output yet: see kubectl -n uae-banking describe sj aml-screening)"

say "Batch runs now (instead of at their cron times): card-spend-daily and customer-features"
# card-spend-daily: PostgreSQL ledger -> consent -> pseudonymize -> daily aggregates -> an Iceberg
# table on S3. customer-features: PostgreSQL crm -> clean, mask -> Parquet on S3; its success
# starts customer-features-online (dependsOn): the Parquet files -> the Redis feature store.
stamp=$(date +%s)
kubectl -n uae-banking annotate dp card-spend-daily tributary.io/run-now="$stamp" --overwrite >/dev/null
kubectl -n analytics annotate dp customer-features tributary.io/run-now="$stamp" --overwrite >/dev/null
run_done() { # <namespace> <pipeline>: wait for its last run to end, print how it ended
  local phase=""
  for _ in $(seq 1 180); do
    phase=$(kubectl -n "$1" get dp "$2" -o jsonpath='{.status.lastRun.phase}' 2>/dev/null || true)
    case "$phase" in Succeeded | Failed) break ;; esac
    sleep 2
  done
  echo "$1/$2: last run ${phase:-not started} - $(kubectl -n "$1" get dp "$2" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}')"
}
run_done uae-banking card-spend-daily
say "The Iceberg table uae.card_spend_daily, read back with PyIceberg (an independent reader)"
python_iceberg=$(runtime-image/worker/src/test/pyiceberg/install.sh)
"$python_iceberg" - "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "${TRIBUTARY_POSTGRES%:*}" <<'PY' || echo "(no table yet: see kubectl -n uae-banking describe dp card-spend-daily)"
import sys
from pyiceberg.catalog.sql import SqlCatalog
endpoint, key, secret, host = sys.argv[1:5]
catalog = SqlCatalog("tributary", uri=f"postgresql+psycopg2://iceberg:demo-only-password@{host}:5432/iceberg",
                     warehouse="s3://lake/uae/warehouse", **{"s3.endpoint": endpoint, "s3.access-key-id": key,
                     "s3.secret-access-key": secret, "s3.region": "us-east-1", "s3.force-virtual-addressing": False})
table = catalog.load_table("uae.card_spend_daily")
rows = table.scan().to_arrow().to_pylist()
print(f"{len(rows)} rows, snapshots: {[s.summary.additional_properties.get('tributary.run-id') for s in table.snapshots()]}")
for r in sorted(rows, key=lambda r: -float(r["spend_aed"]))[:5]:
    print({k: (str(v) if not isinstance(v, (int, float, str)) else v) for k, v in r.items()})
PY
run_done analytics customer-features
run_done analytics customer-features-online
say "Features of customer 42 in the online store (redis-cli HGETALL customer_features:42)"
redis-cli -h "${TRIBUTARY_REDIS%:*}" -p "${TRIBUTARY_REDIS#*:}" HGETALL customer_features:42

say "What runs"
kubectl get dp,sj,cpool -A
# The gpu-burst pool's nodes come from this Cluster API MachineDeployment (e2e/lib/machines.sh).
kubectl get machinedeployments -A
cat <<TXT

Where to look next:
  eval "\$(e2e/cluster.sh env)"                       # kubectl, KUBECONFIG and KAFKA_BOOTSTRAP in this shell
  kubectl describe streamjob fraud-detection -n payments # conditions, events
  kubectl get pods -A -l app.kubernetes.io/managed-by=tributary-operator -o wide
  kubectl -n tributary-system logs deploy/tributary-operator   # JSON logs
  kubectl explain datapipeline.spec.source              # every field is documented
  e2e/cluster.sh status                                 # components, logs in e2e/.state/logs
The batch samples run on their cron schedules (kubectl get dp -o wide shows NEXT RUN); this
script ran them once. To run one again now:
  kubectl -n analytics annotate dp customer-features tributary.io/run-now="\$(date +%s)" --overwrite
Their data: PostgreSQL on 10.244.0.1:5432 (databases crm, ledger), the S3 store on
\$S3_ENDPOINT (bucket lake), Redis on 10.244.0.1:6379. docs/crds.md explains every field and reason.
TXT

# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: the MQTT broker of the StreamJobs that read sensors
# (source.mqtt), run on the node's bridge address like Kafka, PostgreSQL and Redis, so pods reach
# it and nothing outside does:
#   Mosquitto   $NODE_IP:$MQTT_PORT      MQTT 3.1.1/5, anonymous, plain TCP (the local cluster's
#                                        traffic stays on the bridge)
# From Debian's package mosquitto; its own service instance (on loopback, if enabled) stays
# untouched. The Service that gives it a cluster name, mqtt.tributary-system.svc, is made by
# platform_services (lib/databases.sh); the DataEndpoint platform-mqtt in
# config/samples/data-endpoints.yaml puts it in the endpoint catalog.
# shellcheck disable=SC2154

# mosquitto_conf: the broker's configuration. Sessions and their queued messages persist in
# $STATE/mosquitto, so a broker restart loses nothing a worker has not acknowledged; queues are
# unbounded, as docs/crds.md asks of a broker that feeds StreamJobs (the default, 1000, drops).
mosquitto_conf() {
  cat <<CONF
# Written by e2e/cluster.sh (lib/mosquitto.sh); rewritten on every up.
user mosquitto
persistence true
persistence_location $STATE/mosquitto/
autosave_interval 10
log_dest stdout
log_type error
log_type warning
log_type notice
log_timestamp_format %Y-%m-%dT%H:%M:%S
max_queued_messages 0
per_listener_settings false
listener $MQTT_PORT $NODE_IP
allow_anonymous true
CONF
}

start_mosquitto() {
  pid_alive mosquitto && { log "mosquitto already running (pid $(pid_of mosquitto))"; return 0; }
  [ -x /usr/sbin/mosquitto ] || die "/usr/sbin/mosquitto not found (package mosquitto)"
  mkdir -p "$STATE/mosquitto"
  # Started as root, the broker switches to user mosquitto (the conf's user), who keeps its
  # sessions here.
  chown mosquitto: "$STATE/mosquitto"
  mosquitto_conf >"$CONF/mosquitto.conf"
  start_proc mosquitto /usr/sbin/mosquitto -c "$CONF/mosquitto.conf"
}

# mosquitto_ready: the broker accepts TCP connections on the bridge.
mosquitto_ready() {
  timeout 2 bash -c ": </dev/tcp/$NODE_IP/$MQTT_PORT"
}

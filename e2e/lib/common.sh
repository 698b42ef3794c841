# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: Logging, waiting and the processes this script starts (pid files).
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (kubelet, containerd, iptables, mounts)"; }

kubectl_() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# wait_for <description> <timeout seconds> <command...>
wait_for() {
  local what=$1 timeout=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - start >= timeout )); then
      die "timed out after ${timeout}s waiting for $what (logs: $LOGS)"
    fi
    sleep 1
  done
}

# ---------------------------------------------------------------- processes (pid files)

proc_start_time() { # <pid>: start time in clock ticks since boot (field 22 of /proc/<pid>/stat)
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# pid_alive <name>: the process this script started under that name still runs. The pid file
# holds "<pid> <start time>", so a pid reused by another process (after a reboot) never counts.
pid_alive() {
  local f=$PIDS/$1.pid pid start
  [ -f "$f" ] || return 1
  read -r pid start <"$f" || true
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ -z "$start" ] || [ "$(proc_start_time "$pid")" = "$start" ]
}

pid_of() { local pid _; read -r pid _ <"$PIDS/$1.pid"; echo "$pid"; }

# start_proc <name> <command...>: run in the background in its own session, log to
# $LOGS/<name>.log, remember the pid. A no-op if that process still runs.
start_proc() {
  local name=$1
  shift
  if pid_alive "$name"; then
    log "$name already running (pid $(pid_of "$name"))"
    return 0
  fi
  log "starting $name"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo "$! $(proc_start_time $!)" >"$PIDS/$name.pid"
}

# stop_proc <name> [grace seconds]: TERM, then KILL, the process we started.
stop_proc() {
  local name=$1 grace=${2:-15} f=$PIDS/$1.pid pid i
  [ -f "$f" ] || return 0
  pid=$(pid_of "$name")
  if pid_alive "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 5; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$f"
}

# stop_procs <grace seconds> <name...>: stop several at once
stop_procs() {
  local grace=$1 n
  shift
  for n in "$@"; do stop_proc "$n" "$grace" & done
  wait
}

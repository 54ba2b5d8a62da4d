# shellcheck shell=bash
# Shared by the engines' scripts: messages, and the process a pid file names.
# Set `engine` (the log prefix) before sourcing.
# shellcheck disable=SC2154  # engine is set by the sourcing script

log() { printf '[%s] %s\n' "$engine" "$*" >&2; }
die() { log "$*"; exit 1; }

# The pid in file $1, if that process still runs.
running_pid() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Stop the process of pid file $1, waiting at most $2 seconds.
stop_pid() {
  local pid
  if ! pid="$(running_pid "$1")"; then
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  kill "$pid"
  for _ in $(seq "$2"); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
    sleep 1
  done
  die "pid $pid did not stop within $2s"
}

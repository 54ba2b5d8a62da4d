#!/usr/bin/env bash
# A local S3 server for tests and CI, without Docker: SeaweedFS (Apache-2.0), built with go.
#
#   deploy/engines/s3.sh start   build if needed, start on 127.0.0.1:$S3_PORT, create the bucket, print env
#   deploy/engines/s3.sh stop    stop the server started here
#   deploy/engines/s3.sh env     print the S3_* variables for the tests (eval "$(deploy/engines/s3.sh env)")
#
# Why SeaweedFS: MinIO's server is not served by the Go module proxy (403 for its release tags).
# SeaweedFS's go.mod has a replace directive, so `go install pkg@version` refuses it; it is built
# from a two-line wrapper module instead (the same replace), cached in
# ~/.cache/exchange-engines/s3/weed-$WEED_VERSION/weed (the Go module cache keeps the sources).
# Data and logs: var/s3/; a server starts empty unless S3_KEEP_DATA=1 (tests make a bucket per
# case and never drop them). Credentials are fixed test values (override with the env below).
#
# Environment: S3_PORT (9350; the master, volume and filer take the next three ports and their
# gRPC ports +10000), S3_BUCKET (exchange-test), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION,
# S3_KEEP_DATA.
#
# Volumes: SeaweedFS keeps each bucket in its own collection and by default gives a collection
# 7 volumes at its first write (master.toml [master.volume_growth] copy_1 = 7). With a fixed
# -volume.max the third or so bucket got none, and every PutObject into it answered
# InternalError ("failed to find writable volumes for collection ... No writable volumes and no
# free volumes left"), whatever the key: the tests make a bucket per case, so this looked like a
# non-ASCII key problem. Here a collection grows one 64 MB volume at a time, and the volume
# count follows the free disk (-volume.max=0), so many buckets and a 2 GiB upload fit.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
WEED_MODULE="github.com/seaweedfs/seaweedfs"
WEED_VERSION="v0.0.0-20261109003541-7506e5f91cd6"
S3_PORT="${S3_PORT:-9350}"
S3_BUCKET="${S3_BUCKET:-exchange-test}"
S3_ACCESS_KEY_ID="${S3_ACCESS_KEY_ID:-exchange-test}"
S3_SECRET_ACCESS_KEY="${S3_SECRET_ACCESS_KEY:-exchange-test-secret}"
S3_REGION="${S3_REGION:-us-east-1}"
cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/exchange-engines/s3"
bin="$cache/weed-$WEED_VERSION/weed"
state="$root/var/s3"
pid_file="$state/weed.pid"
endpoint="http://127.0.0.1:$S3_PORT"

engine=s3
# shellcheck source=deploy/engines/lib.sh
. "$(dirname "$0")/lib.sh"

build() {
  [ -x "$bin" ] && return 0
  # The Go tarball's usual place, in case a non-login shell (CI) lacks it on PATH.
  command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null || die "go (1.26 or newer) is needed to build SeaweedFS"
  local work
  work="$(dirname "$bin")/build"
  mkdir -p "$work"
  cat > "$work/go.mod" <<EOF
module exchange-engines/weed

go 1.26

require $WEED_MODULE $WEED_VERSION

// As in SeaweedFS's own go.mod.
replace github.com/tyler-smith/go-bip39 => github.com/cosmos/go-bip39 v1.0.0
EOF
  log "building SeaweedFS $WEED_VERSION (several minutes on a cold Go cache)"
  (cd "$work" && GOFLAGS="-mod=mod -buildvcs=false" go build -o "$bin.tmp" "$WEED_MODULE/weed")
  mv "$bin.tmp" "$bin"
}

print_env() {
  cat <<EOF
export S3_ENDPOINT_URL=$endpoint
export S3_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID
export S3_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY
export S3_BUCKET=$S3_BUCKET
export S3_REGION=$S3_REGION
EOF
}

s3_request() { # METHOD PATH: a SigV4-signed request with curl; prints the HTTP status
  curl -sS -o /dev/null -w '%{http_code}' --max-time 3 -X "$1" \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY" "$endpoint$2"
}

start() {
  if running_pid "$pid_file" >/dev/null; then
    log "already running (pid $(running_pid "$pid_file"))"
    print_env
    return
  fi
  if curl -s --max-time 2 "$endpoint" >/dev/null 2>&1; then
    die "something else answers on $endpoint: set S3_PORT to a free port"
  fi
  local started=$SECONDS
  build
  [ "${S3_KEEP_DATA:-0}" = 1 ] || rm -rf "$state/data"
  mkdir -p "$state/data" "$state/logs"
  local config="$state/s3-identities.json"
  cat > "$config" <<EOF
{"identities": [{"name": "exchange-test",
  "credentials": [{"accessKey": "$S3_ACCESS_KEY_ID", "secretKey": "$S3_SECRET_ACCESS_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF
  printf '[master.volume_growth]\ncopy_1 = 1\n' > "$state/master.toml"  # see "Volumes" above
  local master=$((S3_PORT + 1)) volume=$((S3_PORT + 2)) filer=$((S3_PORT + 3))
  log "starting SeaweedFS on $endpoint (data $state/data)"
  nohup "$bin" -logdir="$state/logs" -config_dir="$state" server -dir="$state/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$master" -master.volumeSizeLimitMB=64 -volume.port="$volume" -volume.max=0 \
    -filer -filer.port="$filer" -s3 -s3.port="$S3_PORT" -s3.config="$config" \
    > "$state/logs/weed.out" 2>&1 &
  echo $! > "$pid_file"
  local status=""
  for _ in $(seq 60); do
    running_pid "$pid_file" >/dev/null || { tail -n 30 "$state/logs/weed.out" >&2; die "SeaweedFS exited (logs: $state/logs)"; }
    status="$(s3_request GET / 2>/dev/null || true)"
    [ "$status" = 200 ] && break
    sleep 1
  done
  [ "$status" = 200 ] || die "S3 not answering on $endpoint after 60s (logs: $state/logs)"
  # Bucket creation can race the filer's start; retry, and accept "already yours" (409).
  for _ in $(seq 20); do
    status="$(s3_request PUT "/$S3_BUCKET" 2>/dev/null || true)"
    case "$status" in 200|409) break ;; esac
    sleep 1
  done
  case "$status" in 200|409) ;; *) die "creating bucket $S3_BUCKET: HTTP $status" ;; esac
  log "ready after $((SECONDS - started))s"
  print_env
}

stop() { stop_pid "$pid_file" 30; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac

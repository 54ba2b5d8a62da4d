#!/usr/bin/env bash
# A single-node Elasticsearch 9 for the search tests and CI, without Docker.
#
#   deploy/engines/elasticsearch.sh start    fetch, build, install, start; wait for green; print the URL
#   deploy/engines/elasticsearch.sh stop     stop the node started here
#   deploy/engines/elasticsearch.sh url      print the URL (http://127.0.0.1:PORT)
#   deploy/engines/elasticsearch.sh status   exit 0 when the node answers
#
# What it runs: Elastic's integ-test distribution from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip), which has no
# bundled JDK and almost no modules, plus the test-only analysis plugin in
# deploy/elasticsearch/test-plugin (the components the programme index names, under their
# official names). Production runs the official image with the official plugins instead
# (deploy/elasticsearch/Dockerfile); the index settings are the same for both.
#
# Caches: the zip and the plugin's dependencies in ~/.m2 (mvn), the built plugin in
# ~/.cache/exchange-engines/es-test-plugin/<hash of its sources>. The unpacked distribution is
# var/engines/elasticsearch-$ES_VERSION, data and logs var/elasticsearch/.
# Elasticsearch refuses to run as root: as root the node runs as the system user exchange-es
# (created when missing). If that user cannot reach this checkout (say, under /root), var/ is
# replaced by /var/lib/exchange-engines/<hash of the checkout path>, and the script says so.
#
# Environment: ES_PORT (9250), ES_VERSION (9.5.4), ES_JAVA_HOME (a Java 21+ JDK; default the
# Temurin 25 under /usr/lib/jvm when present), ES_HEAP (1g; -Xms is 512m), ES_START_TIMEOUT (180 s),
# ES_KEEP_DATA=1 to keep the indices of the previous run (by default a node starts empty).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
ES_VERSION="${ES_VERSION:-9.5.4}"
ES_PORT="${ES_PORT:-9250}"
ES_HEAP="${ES_HEAP:-1g}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
ES_USER="exchange-es"
cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/exchange-engines"
m2="${MAVEN_REPO_LOCAL:-${HOME:-/tmp}/.m2/repository}"
plugin_src="$root/deploy/elasticsearch/test-plugin"
plugin_name="exchange-test-analysis"
url="http://127.0.0.1:${ES_PORT}"

engine=elasticsearch
# shellcheck source=deploy/engines/lib.sh
. "$(dirname "$0")/lib.sh"

as_root() { [ "$(id -u)" -eq 0 ]; }

java_home() {
  local candidate
  for candidate in "${ES_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    # "21.0.2" / "25" -> major; Elasticsearch 9 needs 21 or newer.
    local major
    major="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | awk -F' = ' '/java.specification.version/ {print $2}')"
    if [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  die "no Java 21+ found: set ES_JAVA_HOME to a JDK 21 or newer"
}

# Where the unpacked distribution and the node's data live: var/ in this checkout, unless the
# node runs as $ES_USER and that user cannot reach it.
base_dir() {
  local base="$root/var"
  if as_root && ! runuser -u "$ES_USER" -- test -x "$root" 2>/dev/null; then
    base="/var/lib/exchange-engines/$(printf '%s' "$root" | sha256sum | cut -c1-12)"
  fi
  echo "$base"
}

ensure_user() {
  as_root || return 0
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  log "creating system user $ES_USER (Elasticsearch does not run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$ES_USER"
}

mvn_get() { # groupId:artifactId:version[:packaging]
  mvn -B -q -Dmaven.repo.local="$m2" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get -Dartifact="$1" -Dtransitive=false >&2
}

fetch_distribution() {
  local zip="$m2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
  if [ ! -s "$zip" ]; then
    log "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
    mvn_get "org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
  fi
  echo "$zip"
}

plugin_hash() {
  (cd "$plugin_src" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) \
    | { cat; echo "$ES_VERSION"; } | sha256sum | cut -c1-16
}

# Prints the folder of the built plugin (cached by the hash of its sources).
build_plugin() {
  local hash out work
  hash="$(plugin_hash)"
  out="$cache/es-test-plugin/$hash"
  if [ ! -f "$out/stable-plugin-descriptor.properties" ]; then
    log "building the test analysis plugin ($hash)"
    work="$(mktemp -d "$cache/es-test-plugin/build.XXXXXX")"
    cp -R "$plugin_src/pom.xml" "$plugin_src/src" "$work/"
    if [ "$(sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' "$work/pom.xml")" != "$ES_VERSION" ]; then
      rm -rf "$work"
      die "deploy/elasticsearch/test-plugin/pom.xml is for another Elasticsearch than $ES_VERSION"
    fi
    JAVA_HOME="$(java_home)" mvn -B -q -Dmaven.repo.local="$m2" -f "$work/pom.xml" package >&2
    rm -rf "$out"
    mv "$work/target/plugin" "$out"
    rm -rf "$work"
  fi
  echo "$out"
}

install() { # prints ES_HOME
  local base home zip plugin marker
  base="$(base_dir)"
  home="$base/engines/elasticsearch-$ES_VERSION"
  mkdir -p "$cache/es-test-plugin" "$base/engines"
  zip="$(fetch_distribution)"
  plugin="$(build_plugin)"
  marker="$home/.exchange-installed"
  if [ "$(cat "$marker" 2>/dev/null)" != "$zip $plugin" ]; then
    log "unpacking into $home"
    rm -rf "$home"
    (cd "$base/engines" && unzip -q "$zip")
    [ -x "$home/bin/elasticsearch" ] || die "unexpected layout in $zip"
    cp -R "$plugin" "$home/plugins/$plugin_name"
    echo "$zip $plugin" > "$marker"
  fi
  echo "$home"
}

state_dir() { echo "$(base_dir)/elasticsearch"; }
pid_file() { echo "$(state_dir)/node.pid"; }

health() { curl -fsS --max-time 5 "$url/_cluster/health?wait_for_status=green&timeout=${1:-1s}" 2>/dev/null; }

start() {
  local home state jhome pid started waited
  if running_pid "$(pid_file)" >/dev/null; then
    log "already running (pid $(running_pid "$(pid_file)"))"
    echo "$url"
    return
  fi
  if curl -fsS --max-time 2 "$url" >/dev/null 2>&1; then
    die "something else answers on $url: set ES_PORT to a free port"
  fi
  ensure_user
  started=$SECONDS
  home="$(install)"
  state="$(state_dir)"
  jhome="$(java_home)"
  # A test node starts empty (the API tests leave an index per test behind); ES_KEEP_DATA=1 keeps it.
  [ "${ES_KEEP_DATA:-0}" = 1 ] || rm -rf "$state/data"
  mkdir -p "$state/data" "$state/logs"
  rm -f "$(pid_file)"
  if as_root; then
    chown -R "$ES_USER:$ES_USER" "$home" "$state"
  fi
  log "starting Elasticsearch $ES_VERSION on $url (home $home, data $state)"
  local cmd=(env "ES_JAVA_HOME=$jhome" "ES_JAVA_OPTS=-Xms512m -Xmx$ES_HEAP" "ES_PATH_CONF=$home/config"
    "$home/bin/elasticsearch" -d -p "$(pid_file)"
    -Ecluster.name=exchange-test -Enode.name=exchange-test
    -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 -Ehttp.port="$ES_PORT"
    -Etransport.port=0 -Epath.data="$state/data" -Epath.logs="$state/logs"
    -Expack.security.enabled=false -Ecluster.routing.allocation.disk.threshold_enabled=false)
  # The launcher prints the node's log until it has detached; keep that out of the way.
  if as_root; then
    runuser -u "$ES_USER" -- "${cmd[@]}" > "$state/logs/launch.log" 2>&1
  else
    "${cmd[@]}" > "$state/logs/launch.log" 2>&1
  fi
  waited=0
  until health 2s | grep -q '"status":"green"'; do
    if ! running_pid "$(pid_file)" >/dev/null && [ "$waited" -gt 10 ]; then
      tail -n 40 "$state/logs/exchange-test.log" >&2 2>/dev/null || true
      die "Elasticsearch exited during start-up (logs: $state/logs)"
    fi
    if [ "$waited" -ge "$ES_START_TIMEOUT" ]; then
      tail -n 40 "$state/logs/exchange-test.log" >&2 2>/dev/null || true
      die "not green after ${ES_START_TIMEOUT}s (logs: $state/logs)"
    fi
    sleep 2
    waited=$((waited + 2))
  done
  log "green after $((SECONDS - started))s"
  echo "$url"
}

stop() { stop_pid "$(pid_file)" 60; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$url" ;;
  status) curl -fsS --max-time 5 "$url" >/dev/null ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac

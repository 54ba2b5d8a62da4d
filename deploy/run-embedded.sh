#!/usr/bin/env bash
# The embedded run: the API (gunicorn) and real Celery workers on SQLite, the SQLite broker,
# filesystem storage and the embedded search backend.
#
# Two workers, so a long transcode never delays indexing or notifications: one on
# media.long (transcodes), one on everything else (media.short, index, notify, maintenance)
# that also runs beat. Queues and routing: workers/queues.py.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
DATA_DIR=${DATA_DIR:-var}
MEDIA_CONCURRENCY=${MEDIA_CONCURRENCY:-1}
mkdir -p "$DATA_DIR"
# SIGTERM is a cold shutdown: the worker stops within seconds and hands its running
# transcode back to the queue (workers/lifecycle.py) instead of finishing it first.
export REMAP_SIGTERM=SIGQUIT

"$BIN/celery" -A workers worker --queues media.long --concurrency "$MEDIA_CONCURRENCY" \
    --hostname "media@%h" --loglevel INFO &
media_worker=$!
"$BIN/celery" -A workers worker --queues media.short,index,notify,maintenance --concurrency 2 \
    --hostname "default@%h" --beat --schedule "$DATA_DIR/celerybeat-schedule" --loglevel INFO &
default_worker=$!
trap 'kill -TERM $media_worker $default_worker 2>/dev/null; wait $media_worker $default_worker 2>/dev/null' EXIT INT TERM

echo "API on http://$HOST:$PORT/api/v1/ (docs at /api/docs/); workers: media $media_worker, default $default_worker"
"$BIN/gunicorn" backend.exchange.wsgi:application --config deploy/gunicorn.conf.py --bind "$HOST:$PORT" \
    --workers 2 --threads 4 --timeout 120 --access-logfile -

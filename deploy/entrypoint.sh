#!/bin/sh
# Entrypoint of the application image: one image, one role per container.
#   api      apply migrations, then serve the API with gunicorn on :8000
#   worker   run a Celery worker (media processing, indexing)
#   beat     run the Celery periodic-task scheduler (exactly one per deployment)
#   migrate  apply migrations, create the search index if missing, and exit (a release step)
# Any other command runs as given, e.g. `django-admin createsuperuser` or `sh`.
# Extra arguments after a role go to the underlying program.
set -eu

role="${1:-api}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
  api)
    # Safe with one API container; with several, run `migrate` once as a
    # release step and start them with MIGRATE_ON_START=0 so they don't race.
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      django-admin migrate --noinput
      django-admin search_index
    fi
    exec gunicorn --config /opt/exchange/gunicorn.conf.py "$@" backend.exchange.wsgi:application
    ;;
  worker)
    exec celery -A workers worker --loglevel "${CELERY_LOG_LEVEL:-info}" "$@"
    ;;
  beat)
    # The schedule file lives on the data volume so a restart keeps last-run times.
    exec celery -A workers beat --loglevel "${CELERY_LOG_LEVEL:-info}" \
      --schedule "${DATA_DIR:-/var/lib/exchange}/celerybeat-schedule" "$@"
    ;;
  migrate)
    django-admin migrate --noinput "$@"
    exec django-admin search_index
    ;;
  *)
    exec "$role" "$@"
    ;;
esac

"""Container health checks for the three roles of the application image.

Usage: healthcheck.py api|worker|beat. Exit status 0 is healthy, 1 unhealthy
(Docker reserves 2), with a one-line reason that `docker inspect` shows.

The api and worker checks ask the running process itself; beat answers nothing,
so its check is that the broker it publishes to is reachable. Whether PostgreSQL
or Elasticsearch is up is for /readyz and their own containers' checks: restarting
the API because search is down would not help.
"""

import os
import socket
import subprocess
import sys
import urllib.request

API_URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
TIMEOUT_SECONDS = 10


def check_api() -> str:
    """The web process answers its liveness endpoint."""
    with urllib.request.urlopen(API_URL, timeout=TIMEOUT_SECONDS) as response:
        return f"{API_URL} answered {response.status}"


def check_worker() -> str:
    """This container's Celery worker answers a ping sent through the broker."""
    node = f"celery@{socket.gethostname()}"
    result = subprocess.run(
        ["celery", "-A", "workers", "inspect", "ping",
         "--destination", node, "--timeout", str(TIMEOUT_SECONDS)],
        capture_output=True, text=True, timeout=TIMEOUT_SECONDS * 3,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{node} did not answer: {(result.stdout + result.stderr).strip()}")
    return f"{node} answered"


def check_beat() -> str:
    """The broker beat publishes to is reachable, with the app's own transport options."""
    from workers import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
    return f"broker {connection.as_uri()} reachable"


CHECKS = {"api": check_api, "worker": check_worker, "beat": check_beat}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in CHECKS:
        print(f"usage: {argv[0]} {'|'.join(CHECKS)}", file=sys.stderr)
        return 1
    try:
        print(CHECKS[argv[1]]())
    except Exception as error:  # any failure means unhealthy; say why
        print(f"unhealthy: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

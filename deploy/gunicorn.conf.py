"""Gunicorn settings for the API container, tunable through environment variables.

Uploads and downloads go straight to object storage through signed URLs, so API
requests are short: a modest timeout catches stuck workers without cutting off
real work. Threads let one worker overlap the database and search round trips.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# A fixed default: os.cpu_count() in a container reports the host's cores, not the
# container's share, and each worker holds a full Django process in memory.
workers = _int("GUNICORN_WORKERS", 3)
threads = _int("GUNICORN_THREADS", 4)
# gthread, answering gunicorn's own errors (request line too long, malformed HTTP) as JSON.
worker_class = "backend.exchange.gunicorn_worker.JSONErrorThreadWorker"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the idle timeout of a typical load balancer in front (60 s), so
# the balancer, not gunicorn, closes idle connections and never hits a reset.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# The largest gunicorn allows: a search for a long multilingual `q`, percent-encoded
# (9 bytes per Chinese or Urdu letter), needs more than the default 4094 bytes.
limit_request_line = 8190
# Recycle workers now and then so a slow leak in a dependency never grows unbounded.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# The heartbeat file on a tmpfs: an overlay filesystem can stall it and get workers killed.
worker_tmp_dir = "/dev/shm"
# Trust X-Forwarded-* only from the proxy network the operator names.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
# The control socket is for interactive administration, which containers don't need.
control_socket_disable = True

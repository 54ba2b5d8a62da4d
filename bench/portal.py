"""The portal's pages against the bare API, through gunicorn on a seeded catalogue.

Seeds N multilingual programmes (default 10,000; bench/api_catalogue.py's seed) in a fresh data
directory on the embedded defaults, indexes them, starts gunicorn, signs a person in with a
session and reports p50/p95 latency of the catalogue and programme pages. Baseline: the bare API
list endpoint (and retrieve) with a token on the same server. Target: pages <= 100 ms.

    .venv/bin/python bench/portal.py [--programmes 10000] [--requests 200]
"""

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# The same catalogue and server as the API benchmark.
from api_catalogue import measure, percentile, seed, start_gunicorn  # noqa: E402

PASSWORD = "bench-password-密码"


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(f"{base}/sign-in/", data={"username": username, "password": PASSWORD,
                                                  "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)
    assert done.status_code == 302, done.text[:300]
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programmes", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="bench-portal-")
    os.environ.update(DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="backend.exchange.settings")
    for name in ("DATABASE_URL", "ELASTICSEARCH_URL", "STORAGE_BACKEND"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    from backend.partners import services
    from backend.partners.models import Partner, Role, User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = seed(args.programmes)
    call_command("search_index", verbosity=0)
    print(f"seeded and indexed {args.programmes} programmes in {time.perf_counter() - started:.1f}s ({data_dir})")
    cctv = Partner.objects.get(code="CCTV")
    person, _ = services.create_user(cctv, username="cctv-buyer", role=Role.LICENSING,
                                     actor=User.objects.get(username="cctv-admin"))
    person.set_password(PASSWORD)
    person.save()
    _, token = services.issue_token(User.objects.get(username="cctv-admin"))

    server, base = start_gunicorn(args.port)
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Token {token}"
        page = sign_in(base, "cctv-buyer")
        page.headers["Accept-Language"] = "ur"
        rng = random.Random(1)
        cases = {
            "baseline API list (token)": (api, f"{base}/api/v1/programmes/"),
            "baseline API retrieve": (api, lambda: f"{base}/api/v1/programmes/{rng.choice(ids)}/"),
            "API search, browse": (api, f"{base}/api/v1/search/"),
            "portal catalogue (browse)": (page, f"{base}/"),
            "portal catalogue q=قراقرم": (page, f"{base}/?q=%D9%82%D8%B1%D8%A7%D9%82%D8%B1%D9%85"),
            "portal catalogue genre filter": (page, f"{base}/?genre=history&language=ur"),
            "portal catalogue avails CN/vod": (page, f"{base}/?avail_territory=CN&avail_media=vod"),
            "portal programme page": (page, lambda: f"{base}/programmes/{rng.choice(ids)}/"),
        }
        for session, url in cases.values():  # warm up both workers on every path
            measure(session, url, 10)
        print(f"\n{'request (Urdu interface for pages)':36} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for name, (session, url) in cases.items():
            timings = measure(session, url, args.requests)
            rate = len(timings) / (sum(timings) / 1000)
            print(f"{name:36} {percentile(timings, 50):8.1f} {percentile(timings, 95):8.1f} {rate:8.0f}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

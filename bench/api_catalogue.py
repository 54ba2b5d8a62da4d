"""Catalogue API latency through the real HTTP server (gunicorn) on a seeded catalogue.

Seeds N multilingual programmes (default 10,000) in a fresh data directory, starts
gunicorn on it, and reports p50/p95 latency of list, filtered list and retrieve.
Baseline: GET /healthz on the same server, i.e. the cost of HTTP + WSGI alone.

    .venv/bin/python bench/api_catalogue.py [--programmes 10000] [--requests 300]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TITLES = [
    {"en": "The Karakoram Highway", "zh-Hans": "喀喇昆仑公路", "ar": "طريق قراقرم السريع", "ur": "شاہراہ قراقرم",
     "az-Latn": "Qaraqorum şosesi"},
    {"en": "Baku Nights", "az-Latn": "Bakı gecələri", "ru": "Ночи Баку"},
    {"en": "The Hexi Corridor", "zh-Hans": "河西走廊", "ar": "ممر خشي"},
    {"en": "Pearls of the Gulf", "ar": "لآلئ الخليج", "ur": "خلیج کے موتی"},
    {"en": "Rivers of Siberia", "ru": "Реки Сибири", "zh-Hans": "西伯利亚的河流"},
]
LANGUAGES = ["ur", "zh-Hans", "ar", "az-Latn", "ru", "en"]
GENRES = ["documentary", "history", "nature", "culture", "music", "travel", "science"]


def start_gunicorn(port: int) -> tuple[subprocess.Popen, str]:
    """The API under gunicorn on ``port`` (2 workers), once it answers /healthz; and its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "backend.exchange.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"], cwd=ROOT, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.2)
    return server, base


def seed(count: int) -> list[str]:
    from backend.catalogue.models import CoProducer, Genre, Programme
    from backend.partners import services
    from backend.partners.models import Partner

    partners = [services.create_partner(code=c, name=c, country=k, admin_username=f"{c.lower()}-admin")[0]
                for c, k in (("PTV", "PK"), ("CCTV", "CN"), ("AZTV", "AZ"), ("ASBU", "TN"))]
    genres = {g.slug: g for g in Genre.objects.all()}
    rng = random.Random(7)
    programmes = []
    for i in range(count):
        title = {tag: f"{text} {i}" for tag, text in rng.choice(TITLES).items()}
        programmes.append(Programme(
            owner=rng.choice(partners), title=title, synopsis={"en": f"Episode notes {i}"},
            original_language=rng.choice(LANGUAGES), production_year=rng.randint(1990, 2026),
            duration_seconds=rng.randint(1200, 6000), countries=[rng.choice(["PK", "CN", "AZ", "SA", "RU"])],
            state=Programme.State.PUBLISHED if rng.random() < 0.8 else Programme.State.DRAFT,
        ))
    Programme.objects.bulk_create(programmes, batch_size=1000)
    through = Programme.genres.through
    through.objects.bulk_create(
        [through(programme_id=p.pk, genre_id=genres[g].pk) for p in programmes for g in rng.sample(GENRES, 2)],
        batch_size=2000)
    CoProducer.objects.bulk_create(
        [CoProducer(programme=p, partner=rng.choice(partners), share=50) for p in programmes[::3]], batch_size=2000)
    Partner.objects.update()
    return [str(p.pk) for p in programmes if p.state == Programme.State.PUBLISHED]


def measure(session: requests.Session, url: str, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url() if callable(url) else url, timeout=30)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return timings


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programmes", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="bench-api-")
    os.environ.update(DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="backend.exchange.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from backend.partners import services
    from backend.partners.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = seed(args.programmes)
    print(f"seeded {args.programmes} programmes in {time.perf_counter() - started:.1f}s ({data_dir})")
    _, token = services.issue_token(User.objects.get(username="cctv-admin"))

    server, base = start_gunicorn(args.port)
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        rng = random.Random(1)
        cases = {
            "baseline GET /healthz": f"{base}/healthz",
            "list (page of 25)": f"{base}/api/v1/programmes/",
            "list page 100 of 25": f"{base}/api/v1/programmes/?page=100",
            "filter genre+language+year": f"{base}/api/v1/programmes/?genre=history&language=ur&year_from=2010",
            "retrieve": lambda: f"{base}/api/v1/programmes/{rng.choice(ids)}/",
        }
        measure(session, f"{base}/api/v1/programmes/", 20)  # warm up both workers
        print(f"\n{'request':32} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for name, url in cases.items():
            timings = measure(session, url, args.requests)
            rate = len(timings) / (sum(timings) / 1000)
            print(f"{name:32} {percentile(timings, 50):8.1f} {percentile(timings, 95):8.1f} {rate:8.0f}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

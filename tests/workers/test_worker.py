"""The embedded broker needs no server, and a queued job survives until a worker takes it."""

import pytest

from workers import tasks

pytestmark = pytest.mark.slow


def test_a_job_queued_while_no_worker_runs_is_done_when_one_starts(worker_process, transactional_db):
    queued = tasks.ping.delay()
    worker = worker_process.start()
    worker.wait_for_log(f"Task exchange.ping[{queued.id}] succeeded")
    worker.stop()

    after_restart = tasks.ping.delay()
    worker.start().wait_for_log(f"Task exchange.ping[{after_restart.id}] succeeded")


def test_publishing_reaches_the_search_index_through_the_worker(worker_process, transactional_db):
    from backend.catalogue import services
    from backend.partners import services as partners
    from backend.search.engine import search_backend
    from search.query import SearchQuery

    _, admin, _ = partners.create_partner(code="PTV", name="PTV", country="PK", admin_username="ptv-admin")
    programme = services.create_programme(admin, {"title": {"ur": "شاہراہ قراقرم", "zh-Hans": "喀喇昆仑公路"},
                                                  "original_language": "ur"})
    services.publish(admin, programme)  # marks it and enqueues search.index_pending after the commit
    worker_process.start().wait_for_log("search.index_pending", timeout=60)
    worker_process.wait_for_log("'indexed': 1")

    hits = search_backend().search(SearchQuery(text="公路")).hits
    assert [hit.id for hit in hits] == [str(programme.pk)]

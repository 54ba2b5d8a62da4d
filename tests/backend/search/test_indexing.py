"""Coalesced indexing: changes mark programmes, one run indexes them in bulk, drafts cost nothing."""

import uuid

import pytest

from backend.search import indexing
from backend.search.engine import search_backend
from backend.search.models import PendingIndex
from search.query import SearchQuery
from tests.backend.catalogue.programme_data import KARAKORAM, programme
from workers import app
from workers.queues import INDEX


@pytest.fixture
def index_queue():
    """The real broker's index queue, emptied first; returns a function giving its depth."""
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(INDEX)

    def depth() -> int:
        with app.connection_for_read() as conn:
            return conn.default_channel.queue_declare(queue=INDEX, durable=True, auto_delete=False).message_count

    yield depth
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(INDEX)


def titles(text: str) -> list[str]:
    return [hit.id for hit in search_backend().search(SearchQuery(text=text)).hits]


def test_repeated_edits_of_a_programme_mark_it_once_and_one_run_indexes_the_last(
        ptv, index_queue, django_capture_on_commit_callbacks):
    search_backend().create_index()
    with django_capture_on_commit_callbacks(execute=True):
        created = ptv.client().post("/api/v1/programmes/", KARAKORAM, format="json").json()
        ptv.client().post(f"/api/v1/programmes/{created['id']}/publish/")
        for year in range(2001, 2006):
            ptv.client().patch(f"/api/v1/programmes/{created['id']}/", {
                "title": {"zh-Hans": f"喀喇昆仑公路 {year}", "ru": f"Каракорумское шоссе {year}"}}, format="json")
    assert PendingIndex.objects.count() == 1 and index_queue() == 1  # six changes, one run queued
    assert indexing.run() == {"indexed": 1, "removed": 0, "failed": 0}
    assert titles("шоссе 2005") == [created["id"]] and titles("2004") == []
    assert not PendingIndex.objects.exists() and indexing.run() == {"indexed": 0, "removed": 0, "failed": 0}


def test_drafts_enqueue_nothing(ptv, index_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = ptv.client().post("/api/v1/programmes/", programme(title={"ar": "طريق قراقرم"}), format="json").json()
        ptv.client().patch(f"/api/v1/programmes/{draft['id']}/", {"production_year": 2020}, format="json")
        ptv.client().delete(f"/api/v1/programmes/{draft['id']}/")
    assert index_queue() == 1  # the deletion only (a deleted row cannot say it was never published)
    assert list(PendingIndex.objects.values_list("programme_id", flat=True)) == [uuid.UUID(draft["id"])]


def test_unpublishing_removes_the_programme_from_the_index(ptv, index_queue, django_capture_on_commit_callbacks):
    search_backend().create_index()
    with django_capture_on_commit_callbacks(execute=True):
        created = ptv.client().post("/api/v1/programmes/", KARAKORAM, format="json").json()
        ptv.client().post(f"/api/v1/programmes/{created['id']}/publish/")
    indexing.run()
    assert titles("公路") == [created["id"]]
    with django_capture_on_commit_callbacks(execute=True):
        ptv.client().post(f"/api/v1/programmes/{created['id']}/unpublish/")
    assert indexing.run() == {"indexed": 0, "removed": 1, "failed": 0}
    assert titles("公路") == []


def test_a_programme_that_cannot_be_indexed_does_not_stop_the_batch(ptv, monkeypatch, index_queue,
                                                                     django_capture_on_commit_callbacks):
    search_backend().create_index()
    with django_capture_on_commit_callbacks(execute=True):
        ids = []
        for title in ("Qaraqorum şosesi", "Bakı gecələri", "Şəki xan sarayı"):
            created = ptv.client().post("/api/v1/programmes/", programme(title={"az-Latn": title}), format="json")
            ids.append(created.json()["id"])
            ptv.client().post(f"/api/v1/programmes/{ids[-1]}/publish/")
    build = indexing.programme_document

    def broken_for_the_second(programme):  # fault injection: one document cannot be built
        if str(programme.pk) == ids[1]:
            raise ValueError("corrupt programme")
        return build(programme)

    monkeypatch.setattr(indexing, "programme_document", broken_for_the_second)
    assert indexing.run() == {"indexed": 2, "removed": 0, "failed": 1}
    assert titles("şosesi") == [ids[0]] and titles("sarayı") == [ids[2]] and titles("gecələri") == []

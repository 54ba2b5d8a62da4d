"""Two owners' licensing managers approve conflicting exclusive requests at the same moment."""

import threading
import time

import pytest
from django.db import connection, connections

from backend.licensing import services
from backend.licensing.models import Licence, LicenceRequest
from backend.partners.models import Role
from tests.backend.licensing.helpers import REQUESTS, offer_rights, publish_programme, request_licence

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real concurrent transactions: run with DATABASE_URL=postgres://..."),
]


def test_exactly_one_of_two_racing_approvals_wins(ptv, cctv, aztv, monkeypatch):
    programme_id = publish_programme(ptv)
    offer_rights(ptv, programme_id)
    requests = [request_licence(cctv, programme_id)["id"], request_licence(aztv, programme_id, exclusive=False)["id"]]
    # Two managers, two tokens, two connections.
    clients = [ptv.client(Role.LICENSING), ptv.client(Role.ADMIN)]

    # Widen the gap between checking for conflicts and writing the licence, so that
    # without the programme lock both transactions would pass the check.
    check = services._check_no_conflict

    def slow_check(*args, **kwargs):
        check(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_check_no_conflict", slow_check)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def approve(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = clients[index].post(f"{REQUESTS}{requests[index]}/approve/")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], [response.json() for response in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["code"] == "licence_conflict" and loser["conflicting_licence"] == winner["licence"]
    assert Licence.objects.count() == 1
    assert sorted(LicenceRequest.objects.values_list("state", flat=True)) == ["approved", "requested"]

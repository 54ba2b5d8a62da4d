"""Licensing events, for whoever notifies partners of them (the webhooks app).

``licensing_event`` is sent inside the transaction of the decision, with ``partner`` (whom the
event concerns), ``event`` (``licence.requested``, ``licence.approved``, ``licence.rejected``,
``licence.expiring``) and a JSON-ready ``payload``, so receivers record their work in that
transaction and a rolled-back decision notifies nobody.
"""

from typing import Any

from django.dispatch import Signal

from backend.partners.models import Partner

licensing_event = Signal()


def notify(partner: Partner, event: str, payload: dict[str, Any]) -> None:
    licensing_event.send(sender=Partner, partner=partner, event=event, payload=payload)

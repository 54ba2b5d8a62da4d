from typing import Any

from django.db import models

from backend.audit.models import AuditEvent


def record(
    *,
    actor,
    partner,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    **details: Any,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        partner=partner,
        actor=actor,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )

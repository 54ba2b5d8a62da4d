"""Who may fetch which subtitle tracks: the owner, and licensees for their licensed languages."""

import uuid

from django.db.models import QuerySet

from backend.catalogue.models import Programme
from backend.licensing.selectors import licensed_languages
from backend.partners.models import Partner
from backend.subtitles.models import SubtitleTrack


def fetchable_languages(partner: Partner, programme: Programme) -> set[str] | None:
    """None means every language (the owner); otherwise the languages licensed today."""
    if programme.owner_id == partner.pk:
        return None
    return licensed_languages(partner, programme)


def fetchable_tracks(partner: Partner, programme: Programme) -> QuerySet[SubtitleTrack]:
    tracks = programme.subtitle_tracks.defer("cues")
    languages = fetchable_languages(partner, programme)
    return tracks if languages is None else tracks.filter(language__in=languages)


def track_for(partner: Partner, track_id) -> SubtitleTrack | None:
    """The track if the partner may fetch it; None (→ 404) otherwise, and for an id that is no UUID."""
    try:
        track_id = uuid.UUID(str(track_id))
    except ValueError:
        return None
    track = SubtitleTrack.objects.select_related("programme__owner").filter(pk=track_id).first()
    if track is None:
        return None
    languages = fetchable_languages(partner, track.programme)
    return track if languages is None or track.language in languages else None

"""What a programme's search document holds.

The `search` package knows nothing of Django; this module turns programmes into its plain
documents. Only published programmes are indexed, so the index itself holds nothing a
partner may not see.
"""

from collections.abc import Iterator

from django.db.models import Prefetch

from backend.catalogue.models import Programme


def indexable_programmes():
    # Audio in other languages than the original is what partners can dub from.
    audio = Programme.assets.rel.related_model.objects.exclude(language="").only("programme_id", "language")
    return Programme.objects.filter(state=Programme.State.PUBLISHED).select_related("owner").prefetch_related(
        "genres", "subtitle_tracks", Prefetch("assets", queryset=audio, to_attr="language_assets")
    )


def programme_document(programme: Programme) -> dict:
    return {
        "id": str(programme.pk),
        "owner": programme.owner.code,
        "title": programme.title,
        "synopsis": programme.synopsis,
        "keywords": programme.keywords,
        "original_language": programme.original_language,
        "genres": [genre.slug for genre in programme.genres.all()],
        "production_year": programme.production_year,
        "duration_seconds": programme.duration_seconds,
        "countries": programme.countries,
        "subtitle_languages": sorted({track.language for track in programme.subtitle_tracks.all()}),
        "dub_languages": sorted(
            {asset.language for asset in programme.language_assets if asset.language != programme.original_language}
        ),
        "published_at": programme.published_at.isoformat() if programme.published_at else None,
    }


def catalogue_documents(batch_size: int = 500) -> Iterator[dict]:
    for programme in indexable_programmes().order_by("pk").iterator(chunk_size=batch_size):
        yield programme_document(programme)

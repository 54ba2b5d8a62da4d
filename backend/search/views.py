"""GET /api/v1/search/: the catalogue searched in the partner's languages, with facets."""

from django.http import QueryDict
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.catalogue import selectors
from backend.catalogue.serializers import ProgrammeSerializer
from backend.common.languages import InvalidCode, normalise_language_tag
from backend.licensing.selectors import avails
from backend.licensing.serializers import AvailsQuerySerializer
from backend.search.engine import search_backend
from search.errors import InvalidQuery
from search.query import MAX_IDS, SORTS, SearchQuery

LIST_PARAMETERS = {  # query parameter -> SearchQuery field; comma-separated or repeated
    "genre": "genres",
    "language": "original_languages",
    "subtitle_language": "subtitle_languages",
    "dub_language": "dub_languages",
    "partner": "owners",
}
INT_PARAMETERS = ("year_from", "year_to", "duration_from", "duration_to", "size")
# The query parameter to name in an error about a SearchQuery field.
PARAMETER_OF = {"text": "q", "search_after": "cursor", **{field: name for name, field in LIST_PARAMETERS.items()}}
AVAILS_PREFIX = "avail_"  # avail_territory, avail_media, avail_from, avail_to, avail_language, avail_exclusive


def _list(request, name: str) -> tuple[str, ...]:
    return tuple(v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",") if v.strip())


def _int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: [f"{raw!r} is not a whole number."]}, code="invalid")


def _user_languages(request) -> tuple[str, ...]:
    """The `languages` parameter, else the Accept-Language header: whose subfields weigh most."""
    explicit = _list(request, "languages")
    candidates = explicit or tuple(tag for tag, _ in parse_accept_lang_header(request.headers.get("Accept-Language", "")))
    tags = []
    for tag in candidates:
        try:
            tags.append(normalise_language_tag(tag))
        except InvalidCode as exc:
            if explicit:
                raise ValidationError({"languages": [str(exc)]}, code="invalid_language")
    return tuple(dict.fromkeys(tags))[:10]


def _available_ids(request) -> tuple[str, ...] | None:
    """With `avail_*` parameters (the terms of GET /avails/), only what can still be licensed on them."""
    terms = QueryDict(mutable=True)
    for name, values in request.query_params.lists():
        if name.startswith(AVAILS_PREFIX):
            terms.setlist(name.removeprefix(AVAILS_PREFIX), values)
    if not terms:
        return None
    form = AvailsQuerySerializer(data=terms)
    if not form.is_valid():
        raise ValidationError({f"{AVAILS_PREFIX}{field}": errors for field, errors in form.errors.items()})
    programmes = avails(request.user.partner, **form.terms())
    return tuple(str(pk) for pk in programmes.values_list("pk", flat=True)[:MAX_IDS])


def build_query(request) -> SearchQuery:
    params = {field: _list(request, name) for name, field in LIST_PARAMETERS.items()}
    params.update({name: _int(request, name) for name in INT_PARAMETERS})
    if params["size"] is None:
        params.pop("size")
    try:
        return SearchQuery(
            text=request.query_params.get("q", ""),
            languages=_user_languages(request),
            sort=request.query_params.get("sort", "relevance"),
            search_after=request.query_params.get("cursor") or None,
            ids=_available_ids(request),
            **params,
        )
    except InvalidQuery as exc:
        raise ValidationError({PARAMETER_OF.get(exc.field, exc.field): [exc.problem]}, code=exc.code)


class SearchView(APIView):
    """Full-text search of the published catalogue, in every language and script.

    Text is matched per language with that language's analysis (Chinese word segmentation,
    Arabic and Urdu letter folding, Azerbaijani casing, English and Russian stemming), the
    caller's languages (`languages`, else `Accept-Language`) weighing most. Facets count
    what each filter would select under the other filters. Pages continue with `cursor`.
    The `avail_*` parameters (`avail_territory`, `avail_media`, `avail_from`, `avail_to`,
    `avail_language`, `avail_localization`, `avail_exclusive`) keep only what can still be
    licensed on those terms, as GET /api/v1/avails/ does.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words to find, in any language (plain text, no syntax)"),
            OpenApiParameter("languages", str, description="The reader's BCP 47 tags, comma-separated"),
            *[OpenApiParameter(name, str, description="Comma-separated values") for name in LIST_PARAMETERS],
            *[OpenApiParameter(name, int) for name in INT_PARAMETERS],
            OpenApiParameter("sort", str, enum=list(SORTS)),
            OpenApiParameter("cursor", str, description="next_cursor of the previous page"),
            *[OpenApiParameter(f"{AVAILS_PREFIX}{name}", str, description=f"Avails filter: `{name}` of GET /avails/. "
                               "avail_territory, avail_media, avail_from and avail_to go together: "
                               "any one without the others is 400 naming those missing")
              for name in ("territory", "media", "from", "to", "language", "localization", "exclusive")],
        ],
        responses=inline_serializer("SearchResults", {
            "count": serializers.IntegerField(),
            "next_cursor": serializers.CharField(allow_null=True),
            "results": inline_serializer("SearchHit", {
                "programme": ProgrammeSerializer(),
                "score": serializers.FloatField(allow_null=True),
                "highlights": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            }, many=True),
            "facets": serializers.DictField(child=serializers.DictField(child=serializers.IntegerField())),
        }),
    )
    def get(self, request):
        query = build_query(request)
        results = search_backend().search(query)
        visible = selectors.with_related(selectors.visible_programmes(request.user.partner))
        programmes = {str(p.pk): p for p in visible.filter(pk__in=[hit.id for hit in results.hits])}
        context = {"request": request}
        hits = [
            {
                "programme": ProgrammeSerializer(programmes[hit.id], context=context).data,
                "score": hit.score,
                "highlights": hit.highlights,
            }
            for hit in results.hits
            if hit.id in programmes  # the index may briefly lag an unpublish
        ]
        return Response({
            "count": results.total, "next_cursor": results.next_cursor, "results": hits, "facets": results.facets,
        })

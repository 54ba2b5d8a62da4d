"""The portal's pages. Reads go through the API's selectors; actions are the API's own endpoints,
called by the page's scripts with the session (or, for the programme form, its serializer and
service), so each rule lives in one place."""

from __future__ import annotations

import uuid

from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from backend.catalogue import selectors as catalogue
from backend.catalogue import services as catalogue_services
from backend.catalogue.models import Genre, Programme
from backend.catalogue.serializers import ProgrammeSerializer
from backend.licensing import selectors as licensing
from backend.licensing.models import LicenceRequest
from backend.media import selectors as media
from backend.media.models import Asset
from backend.media.permissions import can_fetch_media
from backend.partners.permissions import CanDecideLicence, CanEditCatalogue, CanLicense
from backend.portal import labels
from backend.portal.access import allows, api_request, member_required, require
from backend.portal.forms import ProgrammeForm, SignInForm, serializer_errors
from backend.portal.languages import CONTENT_TAG, viewer_tag
from backend.search.engine import search_backend
from backend.search.views import build_query
from backend.storage import DOWNLOAD_URL_EXPIRY, get_storage
from backend.subtitles import selectors as subtitles

NO_ID = uuid.UUID(int=0)

sign_in = auth_views.LoginView.as_view(
    template_name="portal/sign_in.html", authentication_form=SignInForm, redirect_authenticated_user=True
)
sign_out = auth_views.LogoutView.as_view()


def _poster_urls(partner, programmes) -> dict:
    """One query for the posters of a page of programmes, through the API's asset visibility."""
    posters = media.visible_assets(partner).filter(
        kind=Asset.Kind.POSTER, state=Asset.State.READY, programme__in=programmes
    ).select_related(None).only("programme_id", "storage_key")
    storage = get_storage()
    return {poster.programme_id: storage.download_url(poster.storage_key, DOWNLOAD_URL_EXPIRY, "poster.jpg")
            for poster in posters}


def _search_request(request):
    """The search API's parameters from the page's query string, the interface language weighing most."""
    params = request.GET.copy()
    for name in [name for name, values in params.lists() if not any(values)]:
        del params[name]  # the page's empty inputs mean "any", as an absent API parameter does
    if not params.get("languages"):
        params["languages"] = viewer_tag()
    request.GET = params
    return api_request(request)


@member_required
def catalogue_page(request):
    partner = request.user.partner
    errors, hits, results = [], [], None
    try:
        results = search_backend().search(build_query(_search_request(request)))
    except ValidationError as invalid:
        errors = serializer_errors(invalid.detail)
    if results is not None:
        ids = [hit.id for hit in results.hits]
        found = {str(p.pk): p for p in catalogue.with_related(catalogue.visible_programmes(partner)).filter(pk__in=ids)}
        hits = [found[i] for i in ids if i in found]  # the index may briefly lag an unpublish
        posters = _poster_urls(partner, hits)
        for programme in hits:
            programme.poster_url = posters.get(programme.pk)
    facets = []
    if results is not None:
        for name, (parameter, label) in labels.FACET_PARAMETERS.items():
            chosen = set(request.GET.getlist(parameter))
            values = [(value, count, value in chosen) for value, count in results.facets.get(name, {}).items()]
            if values:
                facets.append({"parameter": parameter, "label": label, "values": values})
    next_query = None
    if results is not None and results.next_cursor:
        query = request.GET.copy()
        query["cursor"] = results.next_cursor
        next_query = query.urlencode()
    first = request.GET.copy()
    first.pop("cursor", None)
    return render(request, "portal/catalogue.html", {
        "q": request.GET.get("q", ""), "errors": errors, "programmes": hits, "facets": facets,
        "count": results.total if results else 0, "next_query": next_query,
        "first_query": first.urlencode() if request.GET.get("cursor") else None, "media_choices": labels.MEDIA.items(),
        "avails": {name: request.GET.get(f"avail_{name}", "") for name in ("territory", "media", "from", "to")},
        "can_create": allows(CanEditCatalogue, request.user),
    })


def _visible_programme(request, pk) -> Programme:
    return get_object_or_404(catalogue.with_related(catalogue.visible_programmes(request.user.partner)), pk=pk)


@member_required
def programme_page(request, pk):
    user, partner = request.user, request.user.partner
    programme = _visible_programme(request, pk)
    owned = programme.owner_id == partner.pk
    assets = list(media.visible_assets(partner).filter(programme=programme).order_by("created_at"))
    poster = next((a for a in assets if a.kind == Asset.Kind.POSTER and a.state == Asset.State.READY), None)
    storage = get_storage()
    hls = next((a for a in assets if a.kind == Asset.Kind.HLS and a.state == Asset.State.READY
                and can_fetch_media(user, a)), None)
    proxy = next((a for a in assets if a.kind == Asset.Kind.PROXY and a.state == Asset.State.READY), None)
    sources = [a for a in assets if a.kind == Asset.Kind.SOURCE]
    qc = next((a.qc_report for a in reversed(sources) if a.qc_report), None)
    tracks = list(subtitles.fetchable_tracks(partner, programme).order_by("language"))
    # visible_offers' rule is "offers on programmes the partner can see", and this one came through
    # visible_programmes: asking by programme avoids its subquery over the whole catalogue.
    offers = list(programme.offers.order_by("window_start"))
    may_request = not owned and programme.is_published and allows(CanLicense, user)
    return render(request, "portal/programme.html", {
        "programme": programme,
        "owned": owned,
        "poster_url": storage.download_url(poster.storage_key, DOWNLOAD_URL_EXPIRY, "poster.jpg") if poster else None,
        "hls": hls,
        "proxy_url": (storage.download_url(proxy.storage_key, DOWNLOAD_URL_EXPIRY, "preview.mp4")
                      if proxy and not hls else None),
        "qc": qc,
        "tracks": tracks,
        "can_fetch_media": can_fetch_media(user),
        "offers": offers,
        "can_edit": allows(CanEditCatalogue, user, programme),
        "can_offer": allows(CanLicense, user, programme),
        "may_request": may_request,
        "today": timezone.localdate(),
        "media_choices": labels.MEDIA.items(),
        "terms_choices": labels.TERMS.items(),
        "content_languages": CONTENT_TAG.values(),
        "credits": programme.credits,
    })


def _programme_form(request, programme: Programme | None):
    if programme is not None:
        require(CanEditCatalogue, request, programme)
    else:
        require(CanEditCatalogue, request)
    genres = list(Genre.objects.all())
    form = ProgrammeForm(request.POST or None, programme=programme, genres=genres)
    errors = []
    if request.method == "POST" and form.is_valid():
        serializer = ProgrammeSerializer(programme, data=form.api_data(), partial=programme is not None,
                                         context={"request": api_request(request)})
        if serializer.is_valid():
            data = serializer.validated_data
            if programme is None:
                programme = catalogue_services.create_programme(request.user, data)
            else:
                programme = catalogue_services.update_programme(request.user, programme, data)
            return HttpResponseRedirect(reverse("portal:programme", args=[programme.pk]))
        errors = serializer_errors(serializer.errors)
        form.mark_invalid(errors)
    return render(request, "portal/programme_form.html", {"form": form, "programme": programme, "errors": errors})


@member_required
def programme_new(request):
    return _programme_form(request, None)


@member_required
def programme_edit(request, pk):
    return _programme_form(request, _visible_programme(request, pk))


@member_required
def deliver_page(request, pk):
    """Upload a master, watch its processing, add subtitle tracks: the owner's editors' page."""
    programme = _visible_programme(request, pk)
    require(CanEditCatalogue, request, programme)
    assets = media.visible_assets(request.user.partner).filter(programme=programme).order_by("created_at")
    tracks = subtitles.fetchable_tracks(request.user.partner, programme).order_by("language")
    return render(request, "portal/deliver.html", {
        "programme": programme, "assets": assets, "tracks": tracks,
        "content_languages": CONTENT_TAG.values(), "asset_states": labels.ASSET_STATES,
        "asset_kinds": labels.ASSET_KINDS,
        # The API routes uploads by id only (no list): the page's script appends "<id>/".
        "uploads_url": reverse("upload-detail", args=[NO_ID]).removesuffix(f"{NO_ID}/"),
    })


@member_required
def licensing_page(request):
    partner = request.user.partner
    requests = list(licensing.visible_requests(partner).order_by("-created_at")[:200])
    licences = list(licensing.visible_licences(partner).order_by("-created_at")[:200])
    return render(request, "portal/licensing.html", {
        "received": [r for r in requests if r.programme.owner_id == partner.pk],
        "made": [r for r in requests if r.requester_id == partner.pk],
        "licensed": [lic for lic in licences if lic.licensee_id == partner.pk],
        "granted": [lic for lic in licences if lic.licensor_id == partner.pk],
        "can_decide": allows(CanDecideLicence, request.user),
        "requested": LicenceRequest.State.REQUESTED,
    })


@member_required
def dubbing_page(request, pk):
    """The subtitle tracks this partner may fetch, by language, and the dubbing kit of those languages."""
    programme = _visible_programme(request, pk)
    if not can_fetch_media(request.user):
        raise Http404
    tracks = list(subtitles.fetchable_tracks(request.user.partner, programme).order_by("language", "kind"))
    if not tracks and programme.owner_id != request.user.partner_id:
        raise Http404  # no licence: as the API's kit, it does not exist for this partner
    languages = list(dict.fromkeys(track.language for track in tracks))
    return render(request, "portal/dubbing.html", {"programme": programme, "tracks": tracks, "languages": languages})


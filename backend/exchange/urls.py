from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from backend.audit.views import AuditEventViewSet
from backend.catalogue.views import ProgrammeViewSet
from backend.common import health
from backend.licensing.views import (
    AvailsView,
    LicenceRequestViewSet,
    LicenceViewSet,
    OfferViewSet,
    ProgrammeOfferListView,
)
from backend.media.views import AssetViewSet, UploadViewSet
from backend.partners.views import MeView, PartnerViewSet, TokenViewSet, UserViewSet
from backend.search.views import SearchView
from backend.subtitles.views import DubbingKitView, ProgrammeSubtitleView, SubtitleTrackViewSet
from backend.webhooks.views import WebhookViewSet

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("partners", PartnerViewSet, basename="partner")
router.register("tokens", TokenViewSet, basename="token")
router.register("users", UserViewSet, basename="user")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("offers", OfferViewSet, basename="offer")
router.register("licence-requests", LicenceRequestViewSet, basename="licence-request")
router.register("licences", LicenceViewSet, basename="licence")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("subtitles", SubtitleTrackViewSet, basename="subtitle")
router.register("uploads", UploadViewSet, basename="upload")
router.register("assets", AssetViewSet, basename="asset")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/me/", MeView.as_view(), name="me"),
    path("api/v1/programmes/<uuid:programme_pk>/offers/", ProgrammeOfferListView.as_view(), name="programme-offers"),
    path("api/v1/avails/", AvailsView.as_view(), name="avails"),
    path("api/v1/search/", SearchView.as_view(), name="search"),
    path("api/v1/programmes/<uuid:programme_pk>/subtitles/", ProgrammeSubtitleView.as_view(), name="programme-subtitles"),
    path("api/v1/programmes/<uuid:programme_pk>/dubbing-kit/", DubbingKitView.as_view(), name="dubbing-kit"),
    path("", include("backend.media.urls")),
    path("", include("backend.storage.urls")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # People's pages: the partner portal at the root, and Django's language switch (set_language).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("backend.portal.urls")),
]

# The API's paths answer with its JSON error shape; the portal's with a page (backend.portal.errors).
handler400 = "backend.common.errors.json_400"
handler403 = "backend.portal.errors.permission_denied"
handler404 = "backend.portal.errors.page_not_found"
handler500 = "backend.portal.errors.server_error"

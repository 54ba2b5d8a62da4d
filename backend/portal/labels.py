"""Translated names of the domain's values (the models' choice labels are the API's, in English)."""

from django.utils.translation import gettext_lazy as _

MEDIA = {
    "linear_tv": _("Linear TV"),
    "vod": _("Video on demand"),
    "online": _("Online"),
    "radio": _("Radio"),
}
TERMS = {"free_exchange": _("Free exchange"), "fee": _("Licence fee"), "barter": _("Barter")}
REQUEST_STATES = {"requested": _("Requested"), "approved": _("Approved"), "rejected": _("Rejected")}
LICENCE_STATES = {"scheduled": _("Scheduled"), "active": _("Active"), "expired": _("Expired")}
ASSET_STATES = {
    "uploaded": _("Uploaded"),
    "probing": _("Reading the file"),
    "transcoding": _("Transcoding"),
    "ready": _("Ready"),
    "failed": _("Failed"),
    "cancelled": _("Cancelled"),
}
ASSET_KINDS = {
    "source": _("Master"),
    "rendition": _("MP4 rendition"),
    "proxy": _("Preview"),
    "hls": _("HLS ladder"),
    "poster": _("Poster"),
    "thumbnail": _("Thumbnail"),
    "audio": _("Audio"),
    "subtitle": _("Subtitles"),
}
QC_STATUS = {"pass": _("Passed"), "fail": _("Failed"), "warning": _("Warning"), "not_checked": _("Not checked")}
ROLES = {
    "admin": _("Administrator"),
    "editor": _("Editor"),
    "licensing": _("Licensing manager"),
    "dubbing": _("Dubbing team"),
    "viewer": _("Viewer"),
}
# Facets of the search API (search.documents.FACETS) → the query parameter that filters on them.
FACET_PARAMETERS = {
    "genres": ("genre", _("Genre")),
    "original_language": ("language", _("Original language")),
    "subtitle_languages": ("subtitle_language", _("Subtitles")),
    "dub_languages": ("dub_language", _("Dubbing")),
    "owner": ("partner", _("Partner")),
}
CREDIT_ROLES = {
    "director": _("Director"),
    "producer": _("Producer"),
    "executive_producer": _("Executive producer"),
    "writer": _("Writer"),
    "narrator": _("Narrator"),
    "presenter": _("Presenter"),
    "editor": _("Film editor"),
    "cinematographer": _("Cinematographer"),
    "composer": _("Composer"),
    "researcher": _("Researcher"),
    "translator": _("Translator"),
    "cast": _("Cast"),
    "other": _("Other"),
}

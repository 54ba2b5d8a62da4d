"""The partner portal's pages, at the site's root (the API stays under /api/)."""

from django.urls import path

from backend.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.catalogue_page, name="catalogue"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("programmes/new/", views.programme_new, name="programme-new"),
    path("programmes/<uuid:pk>/", views.programme_page, name="programme"),
    path("programmes/<uuid:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("programmes/<uuid:pk>/deliver/", views.deliver_page, name="deliver"),
    path("programmes/<uuid:pk>/dubbing/", views.dubbing_page, name="dubbing"),
    path("licensing/", views.licensing_page, name="licensing"),
]

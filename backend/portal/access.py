"""The API's access rules, asked by the portal's pages: the same selectors and permission classes.

Pages never write their own owner or role checks: they ask the permission classes of
backend/partners/permissions.py and backend/media/permissions.py, and look objects up through
the selectors, so what is 404 or 403 in the API is 404 or 403 here.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from backend.partners.permissions import IsPartnerMember


def api_request(request) -> Request:
    """A DRF request over the page's request, for API helpers that read ``query_params``."""
    wrapped = Request(request)
    wrapped.user = request.user
    return wrapped


def allows(permission: type[BasePermission], user, obj=None, method: str = "POST") -> bool:
    """Whether ``user`` may make an unsafe (or ``method``) request the permission class guards."""
    probe = SimpleNamespace(user=user, method=method)
    check = permission()
    try:
        return bool(check.has_permission(probe, None) and (obj is None or check.has_object_permission(probe, None, obj)))
    except exceptions.PermissionDenied:
        return False


def require(permission: type[BasePermission], request, obj=None, method: str = "POST") -> None:
    """403 unless the permission class allows the change a page is for (with the API's message):
    the form to edit a programme is the owner editors' business even when only shown (GET)."""
    probe = SimpleNamespace(user=request.user, method=method)
    check = permission()
    try:
        allowed = check.has_permission(probe, None) and (obj is None or check.has_object_permission(probe, None, obj))
    except exceptions.PermissionDenied as denied:
        raise PermissionDenied(str(denied.detail))
    if not allowed:
        raise PermissionDenied(getattr(check, "message", ""))


def member_required(view):
    """Signed in, as a user of an active partner (the API's IsPartnerMember, plus the token rule)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not IsPartnerMember().has_permission(SimpleNamespace(user=user), None) or not user.partner.is_active:
            logout(request)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped

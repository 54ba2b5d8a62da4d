"""Who may act, as DRF permission classes that every view composes; each rule is checked once.

``has_permission`` checks the caller's role for the request; ``has_object_permission`` (called
by DRF's ``get_object()``, or by ``check_object_permissions`` for a parent object such as the
programme an upload goes to) checks that the caller's partner owns the object. Owned objects
expose ``owner_id``, the owning partner's id. Which objects a partner may *see* is the
selectors' business: anything else is 404 before a permission is asked.
"""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from backend.partners.models import CATALOGUE_WRITERS, LICENSING_ROLES


class IsPartnerMember(BasePermission):
    """Every API call is made by an authenticated user of an active partner."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.partner_id)


class IsPartnerAdmin(IsPartnerMember):
    message = "Only the partner's administrators may do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_partner_admin


class OwnerWithRole(IsPartnerMember):
    """Changes are for ``roles`` of the owning partner; reads of what one can see are open to all
    roles unless ``guards_reads``."""

    roles: frozenset[str] = frozenset()
    guards_reads = False
    role_message = "Your role does not allow this."
    owner_message = "Only the owner may do this."
    owner_code = "not_owner"

    def _guarded(self, request) -> bool:
        return self.guards_reads or request.method not in SAFE_METHODS

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if self._guarded(request) and request.user.role not in self.roles:
            raise PermissionDenied(self.role_message, code="role_not_allowed")
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if self._guarded(request) and obj.owner_id != request.user.partner_id:
            raise PermissionDenied(self.owner_message, code=self.owner_code)
        return True


class CanEditCatalogue(OwnerWithRole):
    """The owner's editors and administrators change its programmes and deliver their media."""

    roles = CATALOGUE_WRITERS
    role_message = "Only editors and administrators may do this."
    owner_message = "Only the programme's owner may do this."


class CanManageUploads(CanEditCatalogue):
    """Uploads hand out URLs that write to the store: even reading one is an editor's business."""

    guards_reads = True


class CanLicense(OwnerWithRole):
    """Everyone reads what they may see; the licensing team and administrators act, on what
    their partner owns (offers) — except requests, which any partner's licensing team makes."""

    roles = LICENSING_ROLES
    role_message = "Only the partner's licensing team or administrators may do this."
    owner_message = "Only the programme's owner may do this."


class CanDecideLicence(CanLicense):
    owner_message = "Only the programme's owner decides on a request."
    owner_code = "not_licensor"

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsPartnerMember(BasePermission):
    """Every API call is made by an authenticated user of an active partner."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.partner_id)


class IsPartnerAdmin(IsPartnerMember):
    message = "Only the partner's administrators may do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_partner_admin


class CanEditCatalogueOrReadOnly(IsPartnerMember):
    """Viewers, licensing and dubbing roles read the catalogue; editors and admins write it."""

    message = "Your role does not allow changing the catalogue."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request.user.can_edit_catalogue

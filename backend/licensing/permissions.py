from rest_framework.permissions import SAFE_METHODS

from backend.partners.models import Role
from backend.partners.permissions import IsPartnerMember

# Roles that may offer rights, request licences and decide on requests.
LICENSING_ROLES = frozenset({Role.ADMIN, Role.LICENSING})


class CanLicenseOrReadOnly(IsPartnerMember):
    """Everyone reads what they may see; the licensing team and administrators act."""

    message = "Only the partner's licensing team or administrators may do this."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request.user.role in LICENSING_ROLES

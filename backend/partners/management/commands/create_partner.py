import pycountry
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backend.common.errors import DomainError
from backend.partners import services


class Command(BaseCommand):
    help = "Create a partner broadcaster and its first administrator; prints the admin's API token once."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Short partner code, e.g. PTV or CCTV")
        parser.add_argument("--name", required=True, help="Organisation name")
        parser.add_argument("--country", default="", help="ISO 3166-1 alpha-2 country code, e.g. PK")
        parser.add_argument("--admin", required=True, help="Username of the first administrator")

    def handle(self, *args, code, name, country, admin, **options):
        country = country.upper()
        if country and pycountry.countries.get(alpha_2=country) is None:
            raise CommandError(f"Unknown ISO 3166-1 alpha-2 country code: {country!r}")
        try:
            partner, user, key = services.create_partner(code=code, name=name, country=country, admin_username=admin)
        except (DomainError, ValidationError) as exc:
            raise CommandError(str(getattr(exc, "detail", exc))) from exc
        self.stderr.write(f"Created partner {partner.code} with administrator {user.username}. Token (shown once):")
        self.stdout.write(key)

from django.db import migrations

from backend.catalogue.genres import seed_genres


def seed(apps, schema_editor):
    seed_genres(apps.get_model("catalogue", "Genre"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

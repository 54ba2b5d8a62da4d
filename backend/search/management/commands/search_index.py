from django.core.management.base import BaseCommand
from tqdm import tqdm

from backend.search.documents import catalogue_documents, indexable_programmes
from backend.search.engine import search_backend


class Command(BaseCommand):
    help = (
        "Create the search index (settings and mappings) or rebuild it from the catalogue. "
        "--reindex loads a new versioned index and swaps the alias when it is complete, "
        "so searches keep working throughout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reindex", action="store_true", help="Rebuild from the catalogue (zero downtime)")

    def handle(self, *args, reindex: bool, **options):
        backend = search_backend()
        if not reindex:
            backend.create_index()
            self.stdout.write("Search index ready.")
            return
        total = indexable_programmes().count()
        with tqdm(total=total, unit="programme", desc="reindex", disable=options["verbosity"] == 0) as bar:
            count = backend.reindex(catalogue_documents(), progress=lambda done: bar.update(done - bar.n))
        self.stdout.write(f"Indexed {count} published programmes.")

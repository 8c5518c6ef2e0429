"""``pracharat reindex_products``: rebuild the product search index.

Needed after upgrading pythainlp or nlpo3 (their dictionaries decide the tokens) or after
loading products with raw SQL. Safe to run any time; searches see the old index until commit.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from pracharat.market import search


class Command(BaseCommand):
    help = "Rebuild the Thai product search index from the products."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.reindex_all()
        self.stdout.write(f"{count} products indexed")

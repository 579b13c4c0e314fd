"""`tuyengiao load_demo`: load the Ninh Bình demo data and print the demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.orgs.models import OrgUnit
from tuyengiao.web.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Ninh Bình demo data into an empty database and print the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the accounts) when the database already has units",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if OrgUnit.objects.exists():
            if not options["if_empty"]:
                raise CommandError(
                    "the database already has units; demo data goes only into an empty one"
                )
            if not OrgUnit.objects.filter(is_demo=True).exists():
                self.stdout.write("The database holds real data: no demo accounts.")
                return
        else:
            load_demo()
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the Ninh Bình demo: {OrgUnit.objects.count()} units.")
            )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<18} {account.description}")

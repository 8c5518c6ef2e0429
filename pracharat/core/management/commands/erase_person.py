from django.core.management.base import BaseCommand, CommandError

from pracharat.core.personal_data import erase_person


class Command(BaseCommand):
    help = (
        "Erase one person's personal data on request: orders are kept anonymised (counts and "
        "amounts stay), fault-report contacts and the account's identity go; one audit entry "
        "records that an erasure happened. See docs/privacy.md."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--phone", help="a Thai phone number in any common format")
        who.add_argument("--email", help="an e-mail address")

    def handle(self, *args, phone=None, email=None, **options):
        try:
            counts = erase_person(phone=phone, email=email)
        except ValueError as exc:  # PhoneError, ErasureError
            raise CommandError(str(exc)) from exc
        for what, count in counts.items():
            self.stdout.write(f"{what}: {count}")
        self.stdout.write(self.style.SUCCESS(f"erased; {sum(counts.values())} records changed"))

"""``pracharat promptpay ID [--amount 120.50]``: a PromptPay QR for a market stall."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from pracharat.core.lib import qr
from pracharat.market.lib import promptpay


class Command(BaseCommand):
    help = (
        "Print the PromptPay payload for a mobile number, national/tax ID or e-wallet ID and "
        "draw its QR code in the terminal (EMVCo merchant-presented QR, AID A000000677010111)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "id", help="e.g. 081-234-5678, 1-2345-67890-12-1 or a 15-digit e-wallet"
        )
        parser.add_argument("--amount", help="baht, e.g. 120.50 (omit for a static QR)")
        parser.add_argument("--invert", action="store_true", help="for light-on-dark terminals")
        parser.add_argument("--no-qr", action="store_true", help="print the payload only")

    def handle(self, *args, id, amount, invert, no_qr, **options):
        value = None
        if amount is not None:
            try:
                value = Decimal(amount.replace(",", ""))
            except InvalidOperation:
                raise CommandError(f"{amount!r} is not an amount in baht, e.g. 120.50") from None
        try:
            payload = promptpay.payload(id, value)
            proxy = promptpay.normalise_proxy(id)
        except promptpay.PromptPayError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(payload)
        if no_qr:
            return
        self.stdout.write(qr.terminal(payload, invert=invert))
        shown = f"{promptpay.normalise_amount(value)} THB" if value is not None else "any amount"
        self.stdout.write(f"PromptPay {proxy.display} · {shown}")

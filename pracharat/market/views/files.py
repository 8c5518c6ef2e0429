"""Private files of an order: the buyer's transfer slips (names, bank accounts, amounts).

They live in the private storage and are served only here, to the browser that holds the
order (it checked out or looked the order up with number + phone), the buyer's account and
the group's sellers: those who may read the buyer's details (docs/privacy.md). An officer
who sees the order sees no slip. Everyone else gets a 404, the same answer as for an order
or slip that does not exist.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from pracharat.core.storage import private_file_response
from pracharat.market import pages
from pracharat.market.models import Payment


@require_safe
def slip_file(request, number: str, pk: int):
    order = pages.buyer_order(request, number)
    if order is None or not order.buyer_details_shown:
        raise Http404
    payment = get_object_or_404(Payment.objects.filter(order=order).exclude(slip=""), pk=pk)
    return private_file_response(payment.slip)

"""The buyer's side: session cart, checkout (one order per group, each with its PromptPay
QR), and the order page reached without an account (order number + phone)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pracharat.core.errors import DomainError, add_to_form
from pracharat.core.lib import qr
from pracharat.core.middleware import client_ip
from pracharat.core.pdf import pdf_response, render_pdf
from pracharat.geo.models import SubDistrict
from pracharat.geo.querysets import address_candidates
from pracharat.market import actions, cart, pages
from pracharat.market.forms import (
    AddToCartForm,
    CartLineForm,
    CheckoutForm,
    LookupForm,
    RatingForm,
    SlipForm,
)
from pracharat.market.models import OrderStatus, Product, Rating

#: Session key of the orders made by the last checkout (the confirmation page).
SESSION_LAST_CHECKOUT = "market_last_checkout"


# --- Cart -------------------------------------------------------------------------------------


@require_POST
def cart_add(request, pk: int):
    product = get_object_or_404(Product.objects.visible_to(request.user), pk=pk)
    form = AddToCartForm(request.POST)
    if not form.is_valid() or not (product.available and product.group.active):
        messages.error(request, _("This product cannot be added to the cart now."))
        return redirect("market:product", pk=pk)
    wanted = form.cleaned_data["quantity"] + cart.contents(request.session).get(product.pk, 0)
    try:
        held = cart.add(
            request.session, product.pk, form.cleaned_data["quantity"], stock=product.stock
        )
    except ValueError:
        messages.error(request, _("Your cart is full; check out first."))
        return redirect("market:cart")
    if held < wanted:
        messages.warning(request, _not_enough(product, held))
    else:
        messages.success(request, _("“%(title)s” is in your cart.") % {"title": product.title})
    if request.POST.get("next") == "cart":
        return redirect("market:cart")
    return redirect("market:product", pk=pk)


@require_http_methods(["GET", "POST"])
def cart_view(request):
    if request.method == "POST":
        form = CartLineForm(request.POST)
        if form.is_valid():
            pid, wanted = form.cleaned_data["product"], form.cleaned_data["quantity"]
            product = Product.objects.filter(pk=pid).only("pk", "stock", "title_th").first()
            stock = product.stock if product is not None else 0
            cart.set_quantity(request.session, pid, wanted, stock=stock)
            if product is not None and wanted > stock:
                messages.warning(request, _not_enough(product, stock))
        else:
            messages.error(request, _("Give a quantity from 0 to 99."))
        return redirect("market:cart")
    summary = cart.summary(request.session)
    _warn_reduced(request, summary)
    return render(request, "market/cart.html", {"cart": summary})


def _warn_reduced(request, summary) -> None:
    """Say which lines ``cart.summary`` cut down to the stock left (sold meanwhile)."""
    for product, _asked, kept in summary.reduced:
        messages.warning(request, _not_enough(product, kept))


def _not_enough(product, left: int) -> str:
    """The plain message when the cart is cut down to the stock left."""
    if left <= 0:
        return _("“%(title)s” is sold out; it has been taken out of your cart.") % {
            "title": product.title
        }
    return _("Only %(n)d of “%(title)s” are left, so your cart holds %(n)d.") % {
        "n": left,
        "title": product.title,
    }


# --- Checkout ---------------------------------------------------------------------------------


def _subdistrict_rows(text: str, selected: SubDistrict | None):
    rows = list(address_candidates(text)) if text else []
    if selected is not None and all(s.code != selected.code for s in rows):
        rows.insert(0, selected)
    return rows


def _selected_subdistrict(code: str | None) -> SubDistrict | None:
    code = (code or "").strip()
    if not code.isdigit() or len(code) != 6:
        return None
    return SubDistrict.objects.select_related("district__province").filter(code=code).first()


@require_GET
def checkout_address(request):
    """htmx fragment: the sub-districts matching the postcode or place name typed so far,
    as radio buttons of the checkout form."""
    text = request.GET.get("address_search", "")[:100]
    selected = _selected_subdistrict(request.GET.get("subdistrict"))
    return render(
        request,
        "market/_subdistricts.html",
        {"rows": _subdistrict_rows(text, selected), "selected": selected, "searched": bool(text)},
    )


@require_http_methods(["GET", "POST"])
def checkout(request):
    summary = cart.summary(request.session)
    if summary.is_empty:
        messages.info(request, _("Your cart is empty."))
        return redirect("market:cart")
    finding = request.method == "POST" and "find" in request.POST
    _warn_reduced(request, summary)  # the buyer sees what was sold meanwhile before ordering
    if request.method == "POST" and not finding:
        form = CheckoutForm(request.POST, parcels=summary.groups)
        if form.is_valid() and not summary.reduced:
            orders = _place_orders(request, form, summary)
            if orders:
                return redirect("market:checkout_done")
    else:
        initial = {}
        if request.user.is_authenticated:
            initial = {
                "buyer_name": request.user.get_full_name(),
                "buyer_phone": request.user.phone or "",
                "buyer_email": request.user.email or "",
            }
        form = CheckoutForm(
            request.POST if finding else None, initial=initial, parcels=summary.groups
        )
    search_text = (form["address_search"].value() or "").strip()
    selected = _selected_subdistrict(form["subdistrict"].value())
    return render(
        request,
        "market/checkout.html",
        {
            "cart": summary,
            "form": form,
            "show_errors": not finding,
            "rows": _subdistrict_rows(search_text, selected),
            "selected": selected,
            "searched": bool(search_text),
        },
    )


def _place_orders(request, form, summary):
    data = form.cleaned_data
    buyer = actions.BuyerDetails(
        name=data["buyer_name"],
        phone=data["buyer_phone"],
        email=data["buyer_email"],
        address_line1=data["address_line1"],
        address_line2=data["address_line2"],
        subdistrict=data["subdistrict"],
        note=data["note"],
    )
    items = cart.contents(request.session)
    try:
        orders = actions.checkout(
            items,
            buyer,
            shipping_services=form.shipping_choices(),
            pay_by_groups=form.payment_choices(),
            user=request.user,
            client=client_ip(request),
        )
    except DomainError as exc:
        add_to_form(form, exc, {"name": "buyer_name", "phone": "buyer_phone"})
        return None
    cart.clear(request.session)
    for order in orders:
        pages.remember_order(request.session, order.number)
    request.session[SESSION_LAST_CHECKOUT] = [o.number for o in orders]
    return orders


@require_GET
def checkout_done(request):
    numbers = request.session.get(SESSION_LAST_CHECKOUT) or []
    if not numbers:
        return redirect("market:index")
    orders = list(pages.orders_by_number(numbers))
    for order in orders:
        order.qr_svg = pages.order_qr(order) if order.can_pay else ""
    return render(request, "market/checkout_done.html", {"orders": orders})


# --- The buyer's order ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Find an order by its number and the phone given at checkout. A wrong pair says only
    "not found" (never whether the number exists); attempts are limited (pages.look_up_order)."""
    form = LookupForm(request.POST or None, initial={"number": request.GET.get("number", "")[:20]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = pages.look_up_order(data["number"], data["phone"], client_ip(request))
        except pages.LookupLimited as exc:
            add_to_form(form, exc)
            return render(request, "market/lookup.html", {"form": form}, status=429)
        if order is not None:
            pages.remember_order(request.session, order.number)
            return redirect("market:order", number=order.number)
        form.add_error(None, _("No order matches this number and phone number."))
    return render(request, "market/lookup.html", {"form": form})


def _order_or_lookup(request, number):
    order = pages.buyer_order(request, number)
    if order is None:
        raise Http404
    return order


@require_GET
def order(request, number: str):
    item = pages.buyer_order(request, number)
    if item is None:
        # Not opened from this browser yet: ask for the phone, without saying if it exists.
        return redirect(reverse("market:lookup") + "?" + urlencode({"number": number[:20]}))
    payable = item.can_pay and item.may_pay
    rating = Rating.objects.filter(order=item).first()
    may_rate = item.may_pay and item.status == OrderStatus.DELIVERED and rating is None
    return render(
        request,
        "market/order.html",
        {
            "order": item,
            "rating": rating,
            "rating_form": RatingForm() if may_rate else None,
            "qr_svg": pages.order_qr(item) if payable else "",
            "history": pages.order_history(item),
            "tracking": pages.order_tracking(item),
            "slip_form": SlipForm() if payable else None,
            "statuses": OrderStatus,
        },
    )


@require_GET
def receipt(request, number: str):
    item = _order_or_lookup(request, number)
    return render(
        request,
        "market/receipt.html",
        {"order": item, "payment": pages.confirmed_payment(item)},
    )


@require_GET
def receipt_pdf(request, number: str):
    """The receipt as a PDF, with the buyer's name and address: for the buyer (this browser
    or their account) and the group's sellers only; a 404 for everyone else."""
    item = pages.receipt_order(request, number)
    if item is None:
        raise Http404
    content = render_pdf("market/pdf/receipt.html", pages.receipt_context(item), request)
    return pdf_response(content, f"receipt-{item.number}.pdf")


@require_POST
def rate(request, number: str):
    """The buyer rates a delivered order, once (``actions.rate_order`` checks all of it)."""
    item = pages.payable_order(request, number)
    if item is None:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.rate_order(
                item,
                form.cleaned_data["stars"],
                form.cleaned_data["comment"],
                actor=request.user,
                session_orders=request.session.get(pages.SESSION_ORDERS, []),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you for rating the order."))
    else:
        messages.error(request, _("Choose 1 to 5 stars."))
    return redirect("market:order", number=item.number)


@require_GET
def qr_png(request, number: str):
    """The order's PromptPay QR as a PNG download (the same payload as the page's), so a
    buyer paying from the phone they ordered on can scan it from the gallery in the bank app.
    For the buyer only, while the order can be paid; a 404 for everyone else."""
    item = pages.payable_order(request, number)
    if item is None or not item.can_pay or not item.promptpay_payload:
        raise Http404
    response = HttpResponse(qr.png(item.promptpay_payload), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="promptpay-{item.number}.png"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def slip(request, number: str):
    """Only the buyer sends a slip (this browser placed or looked the order up, or it was
    placed under this account): seeing the order as an officer or seller is not enough."""
    item = pages.payable_order(request, number)
    if item is None:
        raise Http404
    form = SlipForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.record_slip(
                item,
                form.cleaned_data["slip"],
                actor=request.user,
                session_orders=request.session.get(pages.SESSION_ORDERS, []),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Thank you. The seller will check the transfer and confirm.")
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("market:order", number=item.number)

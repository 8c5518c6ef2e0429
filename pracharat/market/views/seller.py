"""The seller's pages: orders to fulfil, confirm payment, ship, cancel, income and best
sellers, orders export (CSV/XLSX), products and their bulk CSV/XLSX import. Every read goes
through the querysets scoped to the groups the user sells for: another group's order is a 404."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pracharat.core import tables
from pracharat.core.errors import DomainError, add_to_form
from pracharat.core.pdf import pdf_response, render_pdf
from pracharat.market import actions, imports, pages, reports
from pracharat.market.forms import (
    CancelForm,
    GroupSettingsForm,
    ImportForm,
    ProductForm,
    RatingAnswerForm,
    ShipForm,
)
from pracharat.market.models import OrderStatus, Payment, PaymentMethod, ProducerGroup


def seller_required(view):
    """Logged in and a member of at least one producer group (403 otherwise)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        groups = list(pages.seller_groups(request.user))
        if not groups:
            raise PermissionDenied(_("Only members of a producer group may open seller pages."))
        request.seller_groups = groups
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@seller_required
def dashboard(request):
    orders = pages.seller_orders(request.user)
    to_fulfil = list(orders.to_fulfil().with_details()[:100])
    waiting = list(
        orders.filter(status=OrderStatus.PENDING_PAYMENT).with_details().order_by("-created")[:50]
    )
    return render(
        request,
        "market/seller/dashboard.html",
        {
            "groups": request.seller_groups,
            "to_fulfil": to_fulfil,
            "waiting": waiting,
            "counts": pages.status_counts(orders),
            "statuses": OrderStatus,
            "ratings": list(
                pages.seller_ratings(request.seller_groups).select_related("order")[:20]
            ),
            "answer_form": RatingAnswerForm(),
            "today": timezone.localdate(),
        },
    )


@require_GET
@seller_required
def orders(request):
    qs = pages.seller_orders(request.user).select_related("group").order_by("-created", "-pk")
    status = request.GET.get("status", "")
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "market/seller/orders.html",
        {"page": page, "status": status, "statuses": OrderStatus.choices},
    )


def _seller_order(request, number):
    order = pages.seller_order(request.user, number)
    if order is None:
        raise Http404
    return order


@require_GET
@seller_required
def order_detail(request, number: str):
    order = _seller_order(request, number)
    payments = list(order.payments.select_related("confirmed_by").order_by("created", "pk"))
    next_states = actions.allowed_next(order)
    return render(
        request,
        "market/seller/order.html",
        {
            "order": order,
            "payments": payments,
            "slips_to_check": [
                p
                for p in payments
                if p.method == PaymentMethod.SLIP and not p.confirmed_at and not p.rejected_at
            ],
            "history": pages.order_history(order),
            "tracking": pages.order_tracking(order),
            "can_confirm": OrderStatus.PAID in next_states,
            "can_ship": OrderStatus.SHIPPED in next_states,
            "can_cancel": OrderStatus.CANCELLED in next_states,
            "ship_form": ShipForm(),
            "cancel_form": CancelForm(),
        },
    )


@require_GET
@seller_required
def label(request, number: str):
    """The A6 Thailand Post parcel label (sender, receiver, the S10 number as Code 128), once
    the order has its tracking number; back to the order with a message otherwise."""
    order = pages.label_order(request.user, number)
    if order is None:
        raise Http404
    if not order.tracking_number:
        messages.error(
            request,
            _(
                "The parcel label needs the Thailand Post tracking number: enter it under "
                "Shipping when you post the parcel, then print the label."
            ),
        )
        return redirect("market:seller_order", number=order.number)
    if order.personal_data_erased:
        messages.error(request, _("The buyer's personal data has been erased."))
        return redirect("market:seller_order", number=order.number)
    content = render_pdf("market/pdf/label.html", pages.label_context(order), request)
    return pdf_response(content, f"label-{order.tracking_number}.pdf")


@require_GET
@seller_required
def labels_sheet(request):
    """The day's sheet of parcel labels (``?day=2025-08-15`` or ``15/08/2568``; today by
    default): one A6 label per parcel posted that day by the seller's groups."""
    raw = (request.GET.get("day") or "").strip()
    try:
        day = tables.parse_date(raw) if raw else timezone.localdate()
    except tables.CellError:
        messages.error(request, _("Give the day as 15/08/2568 or 2025-08-15."))
        return redirect("market:seller")
    orders = pages.labels_for_day(request.user, day)
    if not orders:
        messages.info(request, _("No parcel with a tracking number was posted that day."))
        return redirect("market:seller")
    content = render_pdf("market/pdf/label.html", pages.labels_context(orders, day), request)
    return pdf_response(content, f"labels-{day:%Y-%m-%d}.pdf")


@require_POST
@seller_required
def answer_rating(request, pk: int):
    """The group answers a buyer's rating (``actions.answer_rating`` checks the right)."""
    rating = get_object_or_404(pages.seller_ratings(request.seller_groups), pk=pk)
    form = RatingAnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.answer_rating(rating, form.cleaned_data["reply"], actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your answer is shown with the rating."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(reverse("market:seller") + "#ratings")


def _done(request, order, message):
    messages.success(request, message)
    return redirect("market:seller_order", number=order.number)


@require_POST
@seller_required
def confirm_payment(request, number: str):
    order = _seller_order(request, number)
    payment = _posted_payment(request, order) if request.POST.get("payment") else None
    try:
        actions.confirm_payment(order, actor=request.user, payment=payment)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("market:seller_order", number=order.number)
    return _done(request, order, _("Payment confirmed. Pack the parcel and ship it."))


def _posted_payment(request, order) -> Payment:
    """The order's payment named by the form's ``payment`` field; 404 for anything else,
    including a value that is not a number."""
    raw = request.POST.get("payment", "")
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Payment.objects.filter(order=order), pk=int(raw))


@require_POST
@seller_required
def reject_slip(request, number: str):
    order = _seller_order(request, number)
    payment = _posted_payment(request, order)
    try:
        actions.reject_slip(payment, actor=request.user, note=request.POST.get("note", "")[:500])
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("market:seller_order", number=order.number)
    return _done(request, order, _("The slip was rejected; the order waits for payment again."))


@require_POST
@seller_required
def ship(request, number: str):
    order = _seller_order(request, number)
    form = ShipForm(request.POST)
    if form.is_valid():
        try:
            actions.ship(order, form.cleaned_data["tracking_number"], actor=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return _done(request, order, _("Shipped. The buyer can follow the parcel now."))
    for error in form.errors.get("tracking_number", []):
        messages.error(request, error)
    return redirect("market:seller_order", number=order.number)


@require_POST
@seller_required
def cancel(request, number: str):
    order = _seller_order(request, number)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        actions.cancel(order, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("market:seller_order", number=order.number)
    return _done(request, order, _("The order is cancelled and its items are back in stock."))


@require_GET
@seller_required
def report(request):
    orders = pages.seller_orders(request.user)
    rows = reports.income_by_month(orders)
    return render(
        request,
        "market/seller/report.html",
        {
            "rows": rows,
            "chart": reports.income_chart(rows),
            "best": reports.best_sellers(orders),
            "total": sum((r["income"] for r in rows), reports.ZERO),
        },
    )


@require_GET
@seller_required
def orders_export(request, fmt: str = "csv"):
    """The seller's orders, one a line, as CSV or XLSX (streamed; headers in their language)."""
    orders = reports.orders_for_export(pages.seller_orders(request.user))
    stamp = timezone.localdate().isoformat()
    return tables.export_response(
        reports.ORDER_TABLE, orders, f"orders-{stamp}", fmt, title=_("Orders")
    )


# --- Products ---------------------------------------------------------------------------------


@require_GET
@seller_required
def products(request):
    return render(
        request,
        "market/seller/products.html",
        {"products": pages.seller_products(request.user), "groups": request.seller_groups},
    )


@require_http_methods(["GET", "POST"])
@seller_required
def product_edit(request, pk: int | None = None):
    groups = pages.seller_groups(request.user)
    instance = None
    if pk is not None:
        instance = get_object_or_404(pages.seller_products(request.user), pk=pk)
    form = ProductForm(
        request.POST or None, request.FILES or None, instance=instance, groups=groups
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused photo leaves the product unsaved too
                product = actions.save_product(form.save(commit=False), actor=request.user)
                if form.cleaned_data.get("photo"):
                    picture = form.cleaned_data["photo"]
                    actions.add_photo(product, picture, alt=product.title_th, actor=request.user)
        except (DomainError, ValidationError) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": product.title})
            return redirect("market:seller_products")
    photos = list(instance.photos.all()) if instance else []
    return render(
        request,
        "market/seller/product_form.html",
        {"form": form, "product": instance, "photos": photos},
    )


@require_http_methods(["GET", "POST"])
@seller_required
def group_settings(request, code: str):
    """The group's order settings (hours to pay, cash on delivery and its fee, LINE ID,
    PromptPay ID) for its members; another group's page is a 404. A refused value keeps the
    saved settings and shows why (status 400)."""
    group = get_object_or_404(pages.seller_groups(request.user), code=code)
    may_change_promptpay = ProducerGroup.objects.owned_by(request.user).filter(pk=group.pk).exists()
    form = GroupSettingsForm(
        request.POST or None, instance=group, may_change_promptpay=may_change_promptpay
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_group_settings(form.instance, actor=request.user)
        except (DomainError, ValidationError) as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("The order settings of %(group)s are saved.") % {"group": group}
            )
            return redirect("market:seller_group_settings", code=group.code)
    return render(
        request,
        "market/seller/group_settings.html",
        {"form": form, "group": group, "may_change_promptpay": may_change_promptpay},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@seller_required
def product_import(request):
    """Bulk listing from a CSV or XLSX file into one of the seller's groups: every line is
    checked first; on any error nothing is imported and each error is shown with its line.
    "Check only" runs the same checks and shows what would change, keeping nothing."""
    groups = pages.seller_groups(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, groups=groups)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.import_products(
            form.cleaned_data["group"],
            form.cleaned_data["file"],
            dry_run=form.checking_only(),
            actor=request.user,
        )
        if result.ok and not result.checked_only:
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("market:seller_products")
    return render(
        request,
        "market/seller/import.html",
        tables.page_context(
            form,
            result,
            imports.COLUMNS,
            reverse("market:seller_import_template", args=["csv"]),
        ),
        status=200 if result is None or result.ok else 400,
    )


@require_GET
@seller_required
def import_template(request, fmt: str):
    return tables.template_response(imports.COLUMNS, "products-template", fmt)

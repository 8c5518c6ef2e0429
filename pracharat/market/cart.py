"""The session cart: ``{product_id: quantity}`` in ``request.session``, no database rows.

Pure functions over the session mapping; ``summary`` reads the products in one query and
groups the lines by producer group, because checkout makes one order (one parcel, one
PromptPay QR, one postage fee) per group. Prices are always read fresh from the products;
the cart stores only ids and quantities.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal

from pracharat.market.models import ProducerGroup, Product

SESSION_KEY = "market_cart"
MAX_LINES = 50
MAX_QUANTITY = 999
#: Product ids are bigints; a larger number in the session would overflow every query.
MAX_ID = 2**63 - 1


def contents(session: MutableMapping) -> dict[int, int]:
    """``{product_id: quantity}``, ignoring anything malformed in the session."""
    raw = session.get(SESSION_KEY) or {}
    result = {}
    for key, value in raw.items():
        try:
            pid, qty = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if qty > 0 and 0 < pid <= MAX_ID:
            result[pid] = min(qty, MAX_QUANTITY)
    return result


def _store(session: MutableMapping, items: dict[int, int]) -> None:
    session[SESSION_KEY] = {
        str(pid): qty for pid, qty in items.items() if qty > 0 and 0 < pid <= MAX_ID
    }
    if hasattr(session, "modified"):
        session.modified = True


def add(
    session: MutableMapping, product_id: int, quantity: int = 1, *, stock: int = MAX_QUANTITY
) -> int:
    """Add ``quantity`` of a product, never past ``stock`` (what is left of it); returns the
    new quantity in the cart."""
    items = contents(session)
    pid = int(product_id)
    if pid not in items and len(items) >= MAX_LINES:
        raise ValueError(f"a cart holds at most {MAX_LINES} different products")
    items[pid] = max(0, min(items.get(pid, 0) + int(quantity), MAX_QUANTITY, stock))
    _store(session, items)
    return items[pid]


def set_quantity(
    session: MutableMapping, product_id: int, quantity: int, *, stock: int = MAX_QUANTITY
) -> None:
    """Set the quantity of a line already in the cart (at most ``stock``); 0 or less
    removes it. Only ``add`` (which checks that the product is on sale) puts a product in
    the cart."""
    items = contents(session)
    pid = int(product_id)
    if pid not in items:
        _store(session, items)  # nothing to change, but leave the session clean
        return
    quantity = min(int(quantity), MAX_QUANTITY, stock)
    if quantity <= 0:
        items.pop(pid)
    else:
        items[pid] = quantity
    _store(session, items)


def remove(session: MutableMapping, product_id: int) -> None:
    set_quantity(session, product_id, 0)


def clear(session: MutableMapping) -> None:
    session.pop(SESSION_KEY, None)
    if hasattr(session, "modified"):
        session.modified = True


def count(session: MutableMapping) -> int:
    """Number of items (for the cart badge); no query."""
    return sum(contents(session).values())


@dataclass
class CartLine:
    product: Product
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return self.product.price * self.quantity

    @property
    def weight_grams(self) -> int:
        return self.product.weight_grams * self.quantity

    @property
    def available(self) -> bool:
        """Still on sale with enough stock right now (checked again at checkout)."""
        p = self.product
        return p.active and p.group.active and p.stock >= self.quantity


@dataclass
class CartGroup:
    """The part of the cart that becomes one order."""

    group: ProducerGroup
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def weight_grams(self) -> int:
        return sum(line.weight_grams for line in self.lines)

    def shipping_options(self) -> list[tuple[str, str, Decimal]]:
        """``[(service, label, fee)]`` for this parcel's weight (queries the rate table)."""
        from pracharat.market.actions import shipping_options

        return shipping_options(self.weight_grams)


@dataclass
class CartSummary:
    groups: list[CartGroup]
    missing: list[int]  # product ids no longer in the database (dropped from the session)
    #: ``(product, quantity asked, quantity kept)`` for lines cut down to the stock left
    reduced: list[tuple[Product, int, int]] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((g.subtotal for g in self.groups), Decimal("0.00"))

    @property
    def count(self) -> int:
        return sum(line.quantity for g in self.groups for line in g.lines)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def all_available(self) -> bool:
        return all(line.available for g in self.groups for line in g.lines)


def summary(session: MutableMapping) -> CartSummary:
    """The cart with its products (one query), grouped by producer group (by Thai name)."""
    items = contents(session)
    products = Product.objects.select_related("group", "category").in_bulk(list(items))
    missing = [pid for pid in items if pid not in products]
    reduced = []
    for pid, qty in list(items.items()):
        product = products.get(pid)
        if product is not None and qty > product.stock:
            # The cart never holds more than is left (someone else bought it meanwhile).
            reduced.append((product, qty, product.stock))
            items[pid] = product.stock
    if missing or reduced:
        _store(session, {pid: q for pid, q in items.items() if pid in products})
    groups: dict[int, CartGroup] = {}
    for pid, qty in items.items():
        product = products.get(pid)
        if product is None or qty <= 0:
            continue
        cart_group = groups.setdefault(product.group_id, CartGroup(product.group))
        cart_group.lines.append(CartLine(product, qty))
    ordered = sorted(groups.values(), key=lambda g: g.group.name_th)
    for g in ordered:
        g.lines.sort(key=lambda line: line.product.title_th)
    return CartSummary(groups=ordered, missing=missing, reduced=reduced)

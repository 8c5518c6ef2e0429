"""core.pdf: how long the market's PDFs take to make (``python -m bench pdf_receipt``).

On a scratch SQLite database with the real geography: one order of ``--lines`` products
(3 by default, as most village orders), its receipt made as the view makes it
(``pages.receipt_context`` + ``render_pdf`` of ``market/pdf/receipt.html``, Thai, the
PromptPay QR of an unpaid order) and its A6 parcel label with the Code 128 barcode. The
first render in the process is timed apart (fonts and WeasyPrint's caches are cold), then
``--repeat`` renders of each; one thread, nothing else running.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from bench import _django


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench pdf_receipt")
    parser.add_argument("--lines", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    _django.setup()

    from django.utils import translation

    from pracharat.core.pdf import render_pdf
    from pracharat.geo.actions import load_geography
    from pracharat.geo.models import Village
    from pracharat.market import actions, pages
    from pracharat.market.lib import s10
    from pracharat.market.models import Category, Order, ProducerGroup, Product, ShippingRate

    load_geography()
    village = Village.objects.create(
        code="65060209", subdistrict_id="650602", moo=9, name_th="บ้านคลองเมม"
    )
    group = actions.save_group(
        ProducerGroup(
            code="khlong-mem-chili",
            name_th="กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม",
            village=village,
            phone="0861234567",
            promptpay_id="0812345678",
        )
    )
    category = Category.objects.get_or_create(slug="food", defaults={"name_th": "อาหาร"})[0]
    for service in ("ems", "registered"):
        ShippingRate.objects.get_or_create(
            service=service, max_weight_grams=20000, defaults={"price": Decimal("60.00")}
        )
    items = {}
    for i in range(args.lines):
        product = actions.save_product(
            Product(
                group=group,
                category=category,
                title_th=f"น้ำพริกตาแดง สูตรแม่บุญมี ขนาด {i + 1} กระปุก",
                price=Decimal("55.00"),
                weight_grams=250,
                stock=100,
                unit="กระปุก",
            )
        )
        items[product.pk] = 1
    buyer = actions.BuyerDetails(
        name="สมศรี ใจงาม",
        phone="0891234567",
        email="",
        address_line1="99/1 ถ.บรมไตรโลกนารถ",
        subdistrict="650101",
    )
    (order,) = actions.checkout(items, buyer)
    number = order.number

    def receipt():
        fresh = pages.printed_order(Order.objects.all(), number)
        return render_pdf("market/pdf/receipt.html", pages.receipt_context(fresh))

    def label():
        fresh = pages.printed_order(Order.objects.all(), number)
        return render_pdf("market/pdf/label.html", pages.label_context(fresh))

    with translation.override("th"):
        started = time.perf_counter()
        size = len(receipt())
        cold = (time.perf_counter() - started) * 1000
        order.tracking_number = s10.make("EE", 12345678)
        order.save(update_fields=["tracking_number"])
        print(f"receipt of {args.lines} lines: first render {cold:.0f} ms, {size / 1024:.0f} KB")
        for name, fn in (("receipt", receipt), ("label", label)):
            t = _django.timed(fn, args.repeat)
            print(
                f"{name:<8} x{args.repeat}: p50 {t['p50']:.0f} ms, p95 {t['p95']:.0f} ms, "
                f"max {t['max']:.0f} ms"
            )

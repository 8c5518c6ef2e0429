from django.urls import path, re_path

from pracharat.market.views import files, orders, seller, shop, terms
from pracharat.market.webhooks import webhook_urlpatterns

app_name = "market"

ORDER = "<str:number>"

urlpatterns = [
    # Shop window
    path("", shop.index, name="index"),
    path("products/<int:pk>/", shop.product, name="product"),
    re_path(
        r"^share/(?P<name>[a-z]+-\d+-[0-9a-f]{16}\.jpg)$", shop.share_picture, name="share_picture"
    ),
    path("groups/", shop.groups, name="groups"),
    path("groups/<slug:code>/", shop.group, name="group"),
    path("feed.csv", shop.feed, name="feed"),
    path("feed.xlsx", shop.feed, {"fmt": "xlsx"}, name="feed_xlsx"),
    # Buyer
    path("cart/", orders.cart_view, name="cart"),
    path("cart/add/<int:pk>/", orders.cart_add, name="cart_add"),
    path("checkout/", orders.checkout, name="checkout"),
    path("checkout/address/", orders.checkout_address, name="checkout_address"),
    path("checkout/done/", orders.checkout_done, name="checkout_done"),
    path("orders/lookup/", orders.lookup, name="lookup"),
    path(f"orders/{ORDER}/", orders.order, name="order"),
    path(f"orders/{ORDER}/receipt/", orders.receipt, name="receipt"),
    path(f"orders/{ORDER}/receipt.pdf", orders.receipt_pdf, name="receipt_pdf"),
    path(f"orders/{ORDER}/slip/", orders.slip, name="slip"),
    path(f"orders/{ORDER}/promptpay.png", orders.qr_png, name="qr_png"),
    path(f"orders/{ORDER}/rate/", orders.rate, name="rate"),
    path(f"orders/{ORDER}/slips/<int:pk>/", files.slip_file, name="slip_file"),
    # Seller
    path("seller/", seller.dashboard, name="seller"),
    path("seller/orders/", seller.orders, name="seller_orders"),
    path("seller/orders.csv", seller.orders_export, name="seller_orders_csv"),
    path("seller/orders.xlsx", seller.orders_export, {"fmt": "xlsx"}, name="seller_orders_xlsx"),
    path(f"seller/orders/{ORDER}/", seller.order_detail, name="seller_order"),
    path(f"seller/orders/{ORDER}/label.pdf", seller.label, name="seller_label"),
    path("seller/labels.pdf", seller.labels_sheet, name="seller_labels"),
    path("seller/ratings/<int:pk>/answer/", seller.answer_rating, name="seller_answer_rating"),
    path(f"seller/orders/{ORDER}/confirm/", seller.confirm_payment, name="seller_confirm"),
    path(f"seller/orders/{ORDER}/reject-slip/", seller.reject_slip, name="seller_reject"),
    path(f"seller/orders/{ORDER}/ship/", seller.ship, name="seller_ship"),
    path(f"seller/orders/{ORDER}/cancel/", seller.cancel, name="seller_cancel"),
    path("seller/report/", seller.report, name="seller_report"),
    path("seller/products/", seller.products, name="seller_products"),
    path("seller/products/add/", seller.product_edit, name="seller_product_add"),
    path("seller/products/<int:pk>/", seller.product_edit, name="seller_product_edit"),
    path(
        "seller/groups/<slug:code>/settings/",
        seller.group_settings,
        name="seller_group_settings",
    ),
    path("seller/import/", seller.product_import, name="seller_import"),
    re_path(
        r"^seller/import/template\.(?P<fmt>csv|xlsx)$",
        seller.import_template,
        name="seller_import_template",
    ),
    # Officers: the search's synonym and broader-term lists
    path("search-terms/", terms.search_terms, name="search_terms"),
    path("search-terms/<int:pk>/remove/", terms.search_terms_remove, name="search_terms_remove"),
    path("search-terms/<int:pk>/edit/", terms.search_terms_edit, name="search_terms_edit"),
    # Payment provider and Thailand Post callbacks (HMAC / bearer, no session)
    *webhook_urlpatterns,
]

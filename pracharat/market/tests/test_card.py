"""The product card of a listing, built by the ``product_card`` tag: the same markup as the
template it replaced, read from the row as it is now (an edit shows at once), in the active
language, and the catalogue's queries do not grow with the number of cards."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pracharat.market import actions, fragments
from pracharat.market.models import Product
from pracharat.market.tests.conftest import make_product, product_photo

pytestmark = pytest.mark.django_db

# The template the tag replaced (market/_card.html before), kept here as the reference markup.
PREVIOUS_CARD = (
    "{% load i18n market %}"
    '<li class="product"><a href="{% url \'market:product\' p.pk %}">{% with photo=p.first_photo %}'
    '{% if photo %}<img src="{{ photo.thumbnail.url }}" alt="{{ photo.alt|default:p.title }}" '
    'width="160" height="160" loading="lazy">{% else %}<span class="nophoto" role="img" '
    "aria-label=\"{% translate 'No photo' %}\"></span>{% endif %}{% endwith %}</a>\n"
    '<div><a class="t" href="{% url \'market:product\' p.pk %}">{{ p.title }}</a>\n'
    '<span class="price">{{ p.price|thb }}</span> <span class="muted">/ {{ p.unit }}</span><br>\n'
    '<a class="muted" href="{% url \'market:group\' p.group.code %}">{{ p.group.name }}</a>'
    '{% if show_village %} <small class="muted">· {{ p.group.village.name }}</small>{% endif %}'
    '{% if not p.stock %} <span class="badge bad">{% translate "Sold out" %}</span>{% endif %}'
    "</div></li>"
)


def both(product, show_village):
    context = {"p": product, "show_village": show_village}
    old = Template(PREVIOUS_CARD).render(Context(context))
    new = Template("{% load market %}{% product_card p show_village %}").render(Context(context))
    return old, new


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("show_village", [True, False])
def test_card_is_the_previous_templates_markup(chili_products, language, show_village):
    pao = chili_products["pao"]
    actions.add_photo(pao, product_photo())
    sold_out = make_product(pao.group, 'น้ำพริก <b>"คั่ว"</b>', "1250.50", stock=0)
    with translation.override(language):
        for product in (Product.objects.get(pk=pao.pk), sold_out, chili_products["narok"]):
            old, new = both(product, show_village)
            assert new == old
    assert "&lt;b&gt;" in both(sold_out, False)[1]  # escaped, never raw HTML


def test_card_shows_an_edit_at_once(client, chili_products):
    pao = chili_products["pao"]
    client.get(reverse("market:index"))
    assert "77.25" not in client.get(reverse("market:index")).content.decode()
    pao.price = "77.25"
    actions.save_product(pao)
    assert "77.25" in client.get(reverse("market:index")).content.decode()


def test_catalogue_queries_do_not_grow_with_the_cards(client, chili_group):
    def queries():  # after a write, when nothing of the page is cached (test_fragments)
        fragments.everything_changed()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("market:index")).status_code == 200
        return len(captured)

    make_product(chili_group, "น้ำพริกหนึ่ง", "10.00")
    client.get(reverse("market:index"))
    few = queries()
    for i in range(12):
        product = make_product(chili_group, f"น้ำพริกที่ {i}", "10.00")
        actions.add_photo(product, product_photo())
    assert queries() == few


@pytest.mark.parametrize(
    "data",
    [None, {"category": "food", "province": "65", "min_price": "10", "max_price": "x"}],
)
def test_the_catalogue_filters_are_the_markup_django_s_widgets_would_render(data):
    """``filter_field`` builds the filters' HTML in Python; it says what Django's
    ``{{ field.label_tag }}{{ field }}`` says (attributes in any order), errors included."""
    from types import SimpleNamespace

    from django.test.html import parse_html

    from pracharat.market.forms import CatalogueForm
    from pracharat.market.templatetags.market import filter_field

    categories = [
        SimpleNamespace(slug="food", name="อาหาร"),
        SimpleNamespace(slug="x", name="<ผ้า & ทอ>"),
    ]
    provinces = [
        SimpleNamespace(code="65", name="พิษณุโลก"),
        SimpleNamespace(code="50", name="เชียงใหม่"),
    ]
    form = CatalogueForm(data, categories=categories, provinces=provinces)
    form.is_valid()
    for name in ("category", "province", "min_price", "max_price"):
        bound = form[name]
        assert parse_html(filter_field(bound)) == parse_html(str(bound.label_tag()) + str(bound))
    assert ("aria-invalid" in filter_field(form["max_price"])) == (data is not None)

"""Named people and places for tests, so that tests read like the stories they check.

The geography is loaded once per test database (see conftest.py); these helpers add the
people: the Phitsanulok officer, the Chiang Mai officer, the inspector, NT's and the post
office's officers, the RMUTL trainer, the volunteer of Ban Khlong Mem, and so on. Each
returns a saved object.
"""

from __future__ import annotations

from contextlib import contextmanager

from pracharat.accounts.models import Agency, AgencyKind, Membership, Role, User
from pracharat.geo.models import Village

PASSWORD = "correct horse battery staple"  # noqa: S105 - test only
BAN_KHLONG_MEM = "65060209"


def village_ban_khlong_mem() -> Village:
    village, _ = Village.objects.get_or_create(
        code=BAN_KHLONG_MEM,
        defaults={
            "subdistrict_id": "650602",
            "moo": 9,
            "name_th": "บ้านคลองเมม",
            "name_en": "Ban Khlong Mem",
            "latitude": 16.9794,
            "longitude": 100.1702,
        },
    )
    return village


def agency(slug: str, area_code: str, kind: str = AgencyKind.PROVINCIAL_OFFICE) -> Agency:
    item, _ = Agency.objects.get_or_create(
        slug=slug, defaults={"name_th": slug, "name_en": slug, "kind": kind, "area_code": area_code}
    )
    return item


def person(
    email: str,
    role: str | None = None,
    area_code: str = "",
    agency_obj=None,
    phone: str | None = None,
    name: str = "",
) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=PASSWORD, phone=phone, full_name=name or email.split("@")[0]
    )
    if role:
        Membership.objects.get_or_create(
            user=user, role=role, area_code=area_code, agency=agency_obj
        )
    return user


def phitsanulok_officer() -> User:
    office = agency("mdes-phitsanulok", "65")
    return person(
        "officer.phitsanulok@example.org",
        Role.PROVINCIAL_OFFICER,
        "65",
        office,
        phone="0812345678",
        name="สมชาย ใจดี",
    )


def chiangmai_officer() -> User:
    office = agency("mdes-chiangmai", "50")
    return person(
        "officer.chiangmai@example.org", Role.PROVINCIAL_OFFICER, "50", office, name="ดวงใจ ดอยคำ"
    )


def inspector() -> User:
    ministry = agency("mdes", "", AgencyKind.MINISTRY)
    return person("inspector@example.org", Role.INSPECTOR, "", ministry, name="ผู้ตรวจราชการ")


def nt_officer() -> User:
    nt = agency("nt-phitsanulok", "65", AgencyKind.TELECOM)
    return person("nt@example.org", Role.AGENCY_OFFICER, "65", nt, name="NT Phitsanulok")


def post_officer() -> User:
    post = agency("post-phitsanulok", "65", AgencyKind.POST)
    return person("post@example.org", Role.AGENCY_OFFICER, "65", post, name="สุดา ส่งไว")


def trainer() -> User:
    rmutl = agency("rmutl-phitsanulok", "65", AgencyKind.UNIVERSITY)
    return person("trainer@example.org", Role.TRAINER, "65", rmutl, name="อาจารย์ปกรณ์")


def volunteer() -> User:
    village_ban_khlong_mem()
    return person("volunteer@example.org", Role.VOLUNTEER, BAN_KHLONG_MEM, name="บุญมี")


def buyer() -> User:
    return person("buyer@example.org", name="ผู้ซื้อ")


# --- Pictures ----------------------------------------------------------------------------------


def picture_bytes(fmt: str = "JPEG", size=(800, 600), mode: str = "RGB", **save) -> bytes:
    """A real picture file of ``size`` in ``fmt`` (a plain orange field)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, "orange" if mode not in ("L", "1") else 128).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


_BOMB: dict[int, bytes] = {}


def bomb_png(side: int = 12_000) -> bytes:
    """A real ``side`` x ``side`` PNG that is tiny on disk (1-bit, all black, optimised:
    about 18 KB for 12,000 x 12,000) and huge once decoded (144 megapixels: 432 MB as RGB).
    The issue's memory bomb, built once per test run."""
    if side not in _BOMB:
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.new("1", (side, side)).save(out, "PNG", optimize=True)
        _BOMB[side] = out.getvalue()
    return _BOMB[side]


# What a 360 px phone shows: the page never scrolls sideways, and a table wider than the
# screen sits in a container that scrolls it (``.table-scroll``).
WIDTH_CHECK = """() => {
  const vw = document.documentElement.clientWidth;
  const unscrolled = [];
  for (const table of document.querySelectorAll("table")) {
    const box = table.getBoundingClientRect();
    if (box.left >= -0.5 && box.right <= vw + 0.5) continue;
    let el = table.parentElement, scrolled = false;
    while (el && el !== document.body) {
      const style = getComputedStyle(el);
      if (["auto", "scroll"].includes(style.overflowX)
          && el.getBoundingClientRect().right <= vw + 0.5) { scrolled = true; break; }
      el = el.parentElement;
    }
    if (!scrolled) unscrolled.push(table.outerHTML.slice(0, 120));
  }
  return {page: document.documentElement.scrollWidth, viewport: vw, unscrolled,
          tables: document.querySelectorAll("table").length};
}"""


def width_report(page, url: str) -> dict:
    """Open ``url`` in the browser ``page`` and say how it fits: the page's width, the
    viewport's, the tables that overflow without a scrolling container, and how many
    tables there were."""
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert "/accounts/login/" not in page.url or url.startswith("/accounts/login/"), page.url
    return page.evaluate(WIDTH_CHECK)


def assert_fits_the_phone(page, urls) -> None:
    for url in urls:
        report = width_report(page, url)
        assert report["page"] <= report["viewport"], (url, report)
        assert not report["unscrolled"], (url, report)


@contextmanager
def phone(browser, base_url: str, **options):
    """A tab of a 360 px phone in Thai at ``base_url`` (``options``: more of Playwright's
    context options, e.g. ``java_script_enabled=False``). On leaving, the phone is closed
    and the test fails if the browser complained about our policies (what the Content
    Security Policy blocked, a Permissions-Policy it did not understand): every browser
    test checks that, on every phone it opens (the ``page`` fixture is one)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="th-TH", base_url=base_url, **options
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    refused = []
    tab.on(
        "console",
        lambda msg: (
            refused.append(msg.text)
            if "Content Security Policy" in msg.text or "Permissions-Policy" in msg.text
            else None
        ),
    )
    try:
        yield tab
    finally:
        context.close()
    assert not refused, f"the browser complained about our policies: {refused}"


def log_in(page, user) -> None:
    """Log ``user`` (made with :data:`PASSWORD`) in through the login form."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "the login failed"


# --- learning ----------------------------------------------------------------------------------


def school_trainer() -> User:
    """A trainer of another centre's host in the same province (a school in Phitsanulok): a
    centre's staff see only their own centre's learners."""
    school = agency("school-phitsanulok", "65", AgencyKind.OTHER)
    return person("trainer.school@example.org", Role.TRAINER, "65", school, name="ครูวิไล")


# --- Volunteers --------------------------------------------------------------------------------


def volunteer_record(user: User | None = None, villages=(BAN_KHLONG_MEM,)):
    """``user`` (default: :func:`volunteer`) registered as the active volunteer of
    ``villages``, with the memberships the registry keeps beside it."""
    from pracharat.volunteers.models import Volunteer, VolunteerVillage

    user = user or volunteer()
    record, _ = Volunteer.objects.get_or_create(user=user, defaults={"area_code": villages[0]})
    for code in villages:
        village = (
            village_ban_khlong_mem() if code == BAN_KHLONG_MEM else Village.objects.get(code=code)
        )
        VolunteerVillage.objects.get_or_create(volunteer=record, village=village, area_code=code)
        Membership.objects.get_or_create(user=user, role=Role.VOLUNTEER, area_code=code)
    return record

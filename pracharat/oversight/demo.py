"""Oversight's part of ``pracharat demo``: the inspection of 22–23 July 2020 (FY 2563) in
Phitsanulok, after the story in /work/shared/seed, written in our own words.

On 22 July the inspector meets the six agencies of the ministry in the province (the MDES
provincial office, the statistics office, the meteorological station, NT, the post office and
depa's lower-north branch) and hears their problems and obstacles; on 23 July she visits the
RMUTL ICT community learning centre and Ban Khlong Mem's service point with its chili-paste
group. What she heard becomes findings, and what she asked for becomes follow-up actions owned
by agencies: some verified, one reported done and awaiting verification, one not done with a
reason, one overdue.

Idempotent: the agencies' profiles are updated every run; the visit and everything under it
are made once (found by province, date and title). Moves go through the real actions with
notifications muted. Runs after accounts, network, market and learning (PRACHARAT_APPS order);
a record another app did not make (the centre, the point, the group) is simply not linked.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pracharat.accounts.models import Agency
from pracharat.core import notifications
from pracharat.oversight import actions
from pracharat.oversight.models import (
    AgencyProfile,
    Announcement,
    Category,
    PlaceKind,
    Severity,
    Visit,
)

PROVINCE = "65"
VISIT_TITLE = "ติดตามการดำเนินงานโครงการของหน่วยงานในสังกัด ปีงบประมาณ 2563 จังหวัดพิษณุโลก"
FIRST_DAY, LAST_DAY = dt.date(2020, 7, 22), dt.date(2020, 7, 23)
INSPECTOR_EMAIL = "inspector@pracharat.local"
CENTRE_SLUGS = ("rmutl-phitsanulok-ict", "rmutl-phitsanulok", "rmutl")
POINT_CODE = "NP-65060209"
GROUP_CODE = "khlong-mem-chili"

PROFILES = {
    "mdes-phitsanulok": (
        "ขับเคลื่อนนโยบายดิจิทัลของกระทรวงในจังหวัด ประสานหน่วยงานในสังกัด "
        "ดูแลเครือข่ายเน็ตอาสาประชารัฐ และเป็นเจ้าภาพช่องทางสื่อสารร่วมของหน่วยงาน",
        "ผู้อำนวยการสำนักงาน",
    ),
    "nso-phitsanulok": (
        "จัดทำและเผยแพร่ข้อมูลสถิติของจังหวัด สนับสนุนข้อมูลเพื่อการวางแผนของหน่วยงาน",
        "สถิติจังหวัด",
    ),
    "tmd-phitsanulok": (
        "ตรวจ วัด และพยากรณ์อากาศ แจ้งเตือนภัยธรรมชาติแก่ประชาชนและเกษตรกร",
        "หัวหน้าสถานี",
    ),
    "nt-phitsanulok": (
        "ให้บริการโทรคมนาคมและอินเทอร์เน็ต ดูแลและซ่อมบำรุงจุดบริการเน็ตประชารัฐในจังหวัด",
        "ผู้จัดการส่วนบริการลูกค้า",
    ),
    "post-phitsanulok": (
        "บริการไปรษณีย์และขนส่งพัสดุ ส่งเสริมการขายสินค้าชุมชนผ่านช่องทางออนไลน์ของไปรษณีย์ไทย",
        "ผู้จัดการไปรษณีย์จังหวัด",
    ),
    "depa-lower-north": (
        "ส่งเสริมเศรษฐกิจดิจิทัล พัฒนาทักษะดิจิทัลของชุมชนและผู้ประกอบการในภาคเหนือตอนล่าง",
        "ผู้อำนวยการสาขา",
    ),
}

REPRESENTATIVES = {
    "mdes-phitsanulok": "ผู้อำนวยการสำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัด และเจ้าหน้าที่",
    "nso-phitsanulok": "สถิติจังหวัดและนักวิชาการสถิติ",
    "tmd-phitsanulok": "หัวหน้าสถานีอุตุนิยมวิทยา",
    "nt-phitsanulok": "ผู้แทนส่วนบริการลูกค้า (เดิม ทีโอที และ กสท)",
    "post-phitsanulok": "ผู้จัดการและผู้แทนฝ่ายขาย",
    "depa-lower-north": "ผู้แทนสาขาภาคเหนือตอนล่าง",
}


def _user(email: str):
    return get_user_model().objects.filter(email=email).first()


def _officer_of(agency: Agency):
    from pracharat.accounts.models import Role

    return (
        get_user_model()
        .objects.filter(memberships__agency=agency, memberships__role=Role.AGENCY_OFFICER)
        .order_by("pk")
        .first()
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _centre():
    try:
        from pracharat.learning.models import Centre
    except ImportError:  # learning not installed
        return None
    for slug in CENTRE_SLUGS:
        centre = Centre.objects.filter(slug=slug).first()
        if centre is not None:
            return centre
    return Centre.objects.filter(slug__startswith="rmutl").order_by("pk").first()


def _profiles(agencies: dict[str, Agency]) -> None:
    for slug, (responsibilities, contact) in PROFILES.items():
        if slug in agencies:
            AgencyProfile.objects.update_or_create(
                agency=agencies[slug],
                defaults={"responsibilities": responsibilities, "contact_person": contact},
            )


def load(stdout=None) -> None:
    from pracharat.oversight import demo_worth

    demo_worth.load(stdout)  # the worth review's FY 2569 (its own module)
    agencies = {a.slug: a for a in Agency.objects.filter(slug__in=[*PROFILES, "rmutl-phitsanulok"])}
    _profiles(agencies)
    if Visit.objects.filter(area_code=PROVINCE, start_date=FIRST_DAY, title=VISIT_TITLE).exists():
        if stdout:
            stdout.write("oversight demo: the Phitsanulok visit of July 2020 is there already")
        return
    missing = [slug for slug in PROFILES if slug not in agencies]
    if missing:
        if stdout:
            stdout.write(f"oversight demo: skipped (agencies missing: {', '.join(missing)})")
        return
    with notifications.muted(), transaction.atomic():
        visit = _visit(agencies)
    news = None
    try:
        from pracharat.oversight.news import demo_news  # ov-reports' part: the news post
    except ImportError:
        demo_news = None
    if demo_news is not None:
        with notifications.muted():
            news = demo_news(visit, _user(INSPECTOR_EMAIL))
    if stdout:
        stdout.write(
            f"oversight demo: visit #{visit.pk} (22–23 July 2563), "
            f"{visit.findings.count()} findings, {visit.actions.count()} actions"
            + (", its news post" if news else "")
        )


def _visit(agencies: dict[str, Agency]) -> Visit:
    inspector = _user(INSPECTOR_EMAIL)
    officer = _user("officer.phitsanulok@pracharat.local")
    plan = actions.save_plan(
        None,
        fiscal_year=2563,
        area_code=PROVINCE,
        planned_start=FIRST_DAY,
        planned_end=LAST_DAY,
        inspectors=[inspector] if inspector else [],
        note="ติดตามโครงการของหน่วยงานในสังกัดกระทรวงในจังหวัด และจุดบริการเน็ตประชารัฐ",
    )
    six = [agencies[slug] for slug in PROFILES]
    visit = actions.save_visit(
        None,
        actions.VisitInput(
            area_code=PROVINCE,
            start_date=FIRST_DAY,
            end_date=LAST_DAY,
            title=VISIT_TITLE,
            plan=plan,
            inspectors=[inspector] if inspector else [],
            summary=(
                "วันที่ 22 ก.ค. ผู้ตรวจราชการรับฟังการดำเนินงาน ปัญหาและอุปสรรคของหน่วยงานในสังกัด "
                "ทั้งหกแห่งในจังหวัด และหารือการทำงานในภาวะปกติใหม่ ขอให้หน่วยงานสร้างช่องทาง"
                "สื่อสารข้อมูลร่วมกันและประสานงานกับหน่วยงานภาครัฐและเอกชนอื่นในพื้นที่\n\n"
                "วันที่ 23 ก.ค. ตรวจเยี่ยมศูนย์การเรียนรู้ ICT ชุมชนของ มทร.ล้านนา และจุดบริการ"
                "เน็ตประชารัฐบ้านคลองเมม หมู่ 9 ต.ท่าช้าง อ.พรหมพิราม ซึ่งเป็นที่รวมกิจกรรมของชุมชน "
                "ขอให้ผู้นำชุมชนเครือข่ายเน็ตอาสาประชารัฐช่วยให้คนในชุมชนขายสินค้าทางออนไลน์ได้มากขึ้น"
            ),
            agencies=[(a, REPRESENTATIVES[a.slug]) for a in six],
        ),
    )
    meeting = actions.save_meeting(
        None,
        actions.MeetingInput(
            area_code=PROVINCE,
            title="ประชุมติดตามการดำเนินงานของหน่วยงานในสังกัดกระทรวงฯ จังหวัดพิษณุโลก",
            starts_at=_at(FIRST_DAY, 9, 30),
            ends_at=_at(FIRST_DAY, 12, 0),
            place="ห้องประชุมสำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดพิษณุโลก",
            agenda=(
                "1. ผลการดำเนินงานโครงการปีงบประมาณ 2563 ของแต่ละหน่วยงาน\n"
                "2. ปัญหาและอุปสรรค\n"
                "3. แนวทางการทำงานร่วมกันและการทำงานในภาวะปกติใหม่ (New normal)"
            ),
            minutes=(
                "หน่วยงานรายงานผลการดำเนินงานและปัญหาที่พบ ที่ประชุมเห็นว่ายังขาดช่องทางกลาง"
                "ในการแลกเปลี่ยนข้อมูลระหว่างหน่วยงาน ผู้ตรวจราชการขอให้สำนักงานดิจิทัลฯ จังหวัด"
                "เป็นเจ้าภาพจัดตั้งช่องทางดังกล่าว และให้ประชุมร่วมกันทางออนไลน์อย่างสม่ำเสมอ"
            ),
            visit=visit,
            attendees=[(a, REPRESENTATIVES[a.slug]) for a in six],
        ),
    )
    office = actions.add_place(
        None,
        visit,
        actions.PlaceInput(
            kind=PlaceKind.AGENCY_OFFICE,
            agency=agencies["mdes-phitsanulok"],
            visited_on=FIRST_DAY,
            note="ที่ประชุมร่วมของหน่วยงานในสังกัดทั้งหกแห่ง",
        ),
    )
    centre = _centre()
    centre_place = actions.add_place(
        None,
        visit,
        actions.PlaceInput(
            kind=PlaceKind.CENTRE if centre else PlaceKind.OTHER,
            centre=centre,
            name="" if centre else "ศูนย์การเรียนรู้ ICT ชุมชน มหาวิทยาลัยเทคโนโลยีราชมงคลล้านนา",
            visited_on=LAST_DAY,
        ),
    )
    from pracharat.market.models import ProducerGroup
    from pracharat.network.models import ServicePoint

    point = ServicePoint.objects.filter(code=POINT_CODE).first()
    point_place = actions.add_place(
        None,
        visit,
        actions.PlaceInput(
            kind=PlaceKind.SERVICE_POINT if point else PlaceKind.OTHER,
            service_point=point,
            name="" if point else "จุดบริการเน็ตประชารัฐบ้านคลองเมม",
            visited_on=LAST_DAY,
            note="ศาลาประชาคมหมู่ 9 ต.ท่าช้าง อ.พรหมพิราม: ฟรีไวไฟ ที่อบรมของหน่วยงาน",
        ),
    )
    group = ProducerGroup.objects.filter(code=GROUP_CODE).first()
    group_place = (
        actions.add_place(
            None,
            visit,
            actions.PlaceInput(
                kind=PlaceKind.PRODUCER_GROUP, producer_group=group, visited_on=LAST_DAY
            ),
        )
        if group
        else point_place
    )

    def finding(place, category, problem, recommendation, severity=Severity.MEDIUM):
        return actions.add_finding(
            inspector,
            visit,
            actions.FindingInput(
                category=category,
                problem=problem,
                recommendation=recommendation,
                severity=severity,
                place=place,
            ),
        )

    channel = finding(
        office,
        Category.COOPERATION,
        "หน่วยงานในสังกัดแต่ละแห่งทำงานของตนเอง ยังไม่มีช่องทางกลางสำหรับแลกเปลี่ยนข้อมูล"
        " ข่าวสาร และแผนงานระหว่างกัน",
        "จัดตั้งช่องทางสื่อสารร่วมของหน่วยงานในจังหวัด และประสานกับหน่วยงานรัฐและเอกชนอื่นในพื้นที่",
        Severity.HIGH,
    )
    new_normal = finding(
        office,
        Category.COOPERATION,
        "ช่วงการระบาดของโควิด-19 การประชุมและการลงพื้นที่ร่วมกันทำได้ยาก",
        "ใช้การประชุมออนไลน์เป็นประจำ เพื่อทำงานร่วมกันในภาวะปกติใหม่",
    )
    training = finding(
        centre_place,
        Category.TRAINING,
        "ศูนย์ฯ เปิดอบรมด้านดิจิทัลต่อเนื่อง แต่ผู้ที่อยู่หมู่บ้านห่างไกลเดินทางมาเข้าอบรมได้ยาก",
        "นำหลักสูตรไปจัดที่จุดบริการเน็ตประชารัฐในหมู่บ้าน",
    )
    wifi = finding(
        point_place,
        Category.UTILISATION,
        "เกษตรกร นักเรียน และเยาวชนใช้ฟรีไวไฟเพื่อเรียนและประกอบอาชีพเป็นประจำ "
        "ช่วงที่มีการอบรมหรือผู้ใช้มาก สัญญาณช้าลงมาก",
        "ตรวจวัดความเร็วในช่วงที่มีผู้ใช้มาก และปรับปรุงอุปกรณ์กระจายสัญญาณ",
        Severity.HIGH,
    )
    sales = finding(
        group_place,
        Category.COMMUNITY_ECONOMY,
        "กลุ่มอาชีพทำน้ำพริกผลิตทุกสัปดาห์ แต่ขายได้เฉพาะในชุมชนและตลาดนัดใกล้เคียง ยังไม่มีช่องทางขายออนไลน์",
        "ให้ผู้นำชุมชนเครือข่ายเน็ตอาสาประชารัฐช่วยนำสินค้าขึ้นขายออนไลน์ เช่น ร้านค้าออนไลน์ของไปรษณีย์ไทย",
        Severity.HIGH,
    )

    def assign(found, slug, title, due, detail=""):
        return actions.assign_action(
            inspector,
            actions.ActionInput(title=title, owner=agencies[slug], due_date=due, detail=detail),
            finding=found,
        )

    a_channel = assign(
        channel,
        "mdes-phitsanulok",
        "จัดตั้งช่องทางกลางสื่อสารและแลกเปลี่ยนข้อมูลของหน่วยงานในสังกัดในจังหวัด",
        dt.date(2020, 8, 31),
        "กลุ่มไลน์และพื้นที่แบ่งปันเอกสารของหน่วยงานทั้งหกแห่ง พร้อมผู้ประสานงานของแต่ละหน่วย",
    )
    a_online = assign(
        new_normal,
        "mdes-phitsanulok",
        "จัดประชุมร่วมของหน่วยงานทางออนไลน์ทุกไตรมาส",
        dt.date(2020, 12, 31),
    )
    a_training = assign(
        training,
        "rmutl-phitsanulok",
        "จัดอบรมทักษะดิจิทัลที่จุดบริการเน็ตประชารัฐบ้านคลองเมม",
        dt.date(2020, 9, 30),
    )
    a_wifi = assign(
        wifi,
        "nt-phitsanulok",
        "ตรวจวัดความเร็วและปรับปรุงอุปกรณ์กระจายสัญญาณที่จุดบริการบ้านคลองเมม",
        dt.date(2020, 9, 30),
    )
    a_mall = assign(
        sales,
        "post-phitsanulok",
        "เพิ่มช่องทางขายสินค้าชุมชนทางออนไลน์: นำน้ำพริกบ้านคลองเมมขึ้นร้านค้าออนไลน์ของไปรษณีย์ไทย",
        dt.date(2020, 10, 31),
    )
    a_marketing = assign(
        sales,
        "depa-lower-north",
        "อบรมการตลาดออนไลน์ให้กลุ่มอาชีพในอำเภอพรหมพิราม",
        dt.date(2020, 11, 30),
    )
    a_stats, a_weather = actions.record_decisions(
        officer if officer and actions.can_assign(officer, PROVINCE) else None,
        meeting,
        [
            actions.ActionInput(
                title="ส่งข้อมูลสถิติการใช้อินเทอร์เน็ตของจังหวัดให้หน่วยงานในช่องทางกลาง",
                owner=agencies["nso-phitsanulok"],
                due_date=dt.date(2020, 9, 15),
            ),
            actions.ActionInput(
                title="แจ้งเตือนสภาพอากาศแก่เกษตรกรผ่านจุดบริการเน็ตประชารัฐ",
                owner=agencies["tmd-phitsanulok"],
                due_date=dt.date(2020, 9, 15),
            ),
        ],
    )

    def progress(item, day, text, move="", officer_user=None):
        return actions.add_update(
            officer_user,
            item,
            text=text,
            date=day,
            move=move,
            now=_at(day, 15),
        )

    def verify(item, day, note="ตรวจหลักฐานแล้ว"):
        actions.move_action(inspector, item, "verify", note=note, now=_at(day, 10))

    post_officer = _officer_of(agencies["post-phitsanulok"])
    nt_officer = _officer_of(agencies["nt-phitsanulok"])
    progress(
        a_channel,
        dt.date(2020, 8, 20),
        "ตั้งกลุ่มไลน์ของหน่วยงานทั้งหกแห่งแล้ว มีผู้ประสานงานหน่วยละหนึ่งคน",
        "finish",
    )
    verify(a_channel, dt.date(2020, 9, 1))
    progress(a_online, dt.date(2020, 12, 18), "ประชุมออนไลน์ครั้งแรกเมื่อ 18 ธ.ค. 2563", "finish")
    progress(a_training, dt.date(2020, 9, 10), "อบรมการใช้สมาร์ตโฟนเพื่อการขายออนไลน์ 25 คน", "finish")
    verify(a_training, dt.date(2020, 9, 25))
    progress(
        a_mall,
        dt.date(2020, 9, 5),
        "ช่วยกลุ่มสมัครร้านค้าออนไลน์และถ่ายภาพสินค้า",
        "start",
        officer_user=post_officer,
    )
    progress(
        a_mall,
        dt.date(2020, 10, 20),
        "น้ำพริกสองรายการขึ้นขายแล้ว มีคำสั่งซื้อแรกจากต่างจังหวัด",
        "finish",
        officer_user=post_officer,
    )
    verify(a_mall, dt.date(2020, 11, 2), "เห็นหน้าร้านและคำสั่งซื้อแล้ว")
    progress(
        a_wifi,
        dt.date(2020, 9, 1),
        "ตรวจวัดแล้ว ช่วงเย็นผู้ใช้พร้อมกันเกิน 40 คน รออุปกรณ์กระจายสัญญาณใหม่",
        "start",
        officer_user=nt_officer,
    )
    actions.move_action(
        None,
        a_marketing,
        "give_up",
        note="งบประมาณอบรมปี 2563 ถูกปรับลดเพื่อรับมือโควิด-19 เสนอจัดในปีงบประมาณ 2564",
        now=_at(dt.date(2020, 11, 20), 11),
    )
    progress(
        a_stats,
        dt.date(2020, 9, 10),
        "ส่งชุดข้อมูลการใช้อินเทอร์เน็ตรายอำเภอเข้าช่องทางกลางแล้ว",
        "finish",
    )
    verify(a_stats, dt.date(2020, 9, 20))
    progress(
        a_weather,
        dt.date(2020, 9, 14),
        "ส่งประกาศเตือนสภาพอากาศรายสัปดาห์ให้ผู้ดูแลจุดบริการเพื่อแจ้งเกษตรกร",
        "finish",
    )
    actions.submit_visit(None, visit)
    Visit.objects.filter(pk=visit.pk).update(submitted_at=_at(LAST_DAY, 18))
    Announcement.objects.get_or_create(
        area_code=PROVINCE,
        title="ช่องทางกลางของหน่วยงานในสังกัดกระทรวงฯ จังหวัดพิษณุโลก",
        defaults={
            "body": "ขอเชิญผู้ประสานงานของทุกหน่วยงานเข้าร่วมกลุ่มสื่อสารกลาง "
            "และใช้หน้าพื้นที่ทำงานนี้ติดตามงานที่ได้รับมอบหมายจากการตรวจราชการ",
            "pinned": True,
            "author": officer,
            "published_at": _at(dt.date(2020, 8, 20), 16),
        },
    )
    return visit

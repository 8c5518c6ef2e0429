from ninja import Router

router = Router(tags=["oversight"])

# --- Reports and dashboards (ov-reports: pracharat/oversight/api_reports.py) -----------------
from pracharat.oversight.api_reports import router as reports_router  # noqa: E402

router.add_router("", reports_router)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The agencies' workspace, inspection visits, findings, follow-up actions and reports."""

    name = "pracharat.oversight"
    verbose_name = _("Oversight")
    nav = [("oversight:index", _("Oversight"))]

    def ready(self):
        from pracharat.core import audit, registry
        from pracharat.oversight import demo, models, numbers

        for model in (
            models.Announcement,
            models.Visit,
            models.Finding,
            models.ActionUpdate,
            models.NewsPost,
        ):
            audit.register(model, exclude=["updated"] if hasattr(model, "updated") else ())
        # Names of representatives are people: recorded as changed, never with their value.
        audit.register(models.MeetingAttendee, personal=["representatives"])
        # A meeting link may carry its passcode; notes and contacts may name people.
        audit.register(models.Meeting, personal=["online_url"], exclude=["updated"])
        audit.register(models.AgencyProfile, personal=["contact_person"], exclude=["updated"])
        audit.register(models.InspectionPlan, personal=["note"], exclude=["updated"])
        audit.register(models.VisitPlace, personal=["note"])
        audit.register(models.VisitAgency, personal=["representatives"])
        audit.register(models.FollowUpAction, exclude=["updated"])
        audit.register(models.FindingPhoto, exclude=["latitude", "longitude"])
        audit.register(models.ActionEvidence)
        # News pictures are public by design: fresh JPEGs without metadata, random names.
        registry.public_media("oversight/news")
        registry.demo_loader(demo.load)
        # Reports, news and dashboards (ov-reports): the read contract, one province at a
        # time and every province at once.
        registry.area_numbers("oversight", numbers.area_numbers)
        registry.province_numbers("oversight", numbers.by_province)
        # The worth review's cache: a write of what it reads starts a new generation.
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from pracharat.oversight import worth

        for label in worth.REVIEW_INPUTS:
            model = apps.get_model(label)
            post_save.connect(worth.inputs_changed, sender=model, dispatch_uid=f"worth:{label}")
            post_delete.connect(worth.inputs_changed, sender=model, dispatch_uid=f"worth:{label}")

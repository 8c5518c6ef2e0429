from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Community digital centres, courses, classes, attendance and certificates."""

    name = "pracharat.learning"
    verbose_name = _("Learning")
    nav = [("learning:index", _("Learning"))]

    def ready(self):
        from pracharat.core import audit, registry
        from pracharat.learning import actions, demo, models, numbers, panels

        registry.demo_loader(demo.load)
        registry.area_numbers("learning", numbers.area_numbers)  # learn-cert: the read contract
        registry.area_panel(panels.area_panel)
        registry.person_eraser(actions.erase_person)
        registry.personal_data_purger(actions.purge_learners)
        # A centre's contact is often a person's own phone and e-mail.
        audit.register(
            models.Centre, personal=["contact_name", "phone", "email"], exclude=["updated"]
        )
        # The outline is free text a trainer writes (it may name people): recorded as changed.
        audit.register(models.Course, personal=["outline"], exclude=["updated"])
        audit.register(models.Cohort, exclude=["updated"])
        audit.register(models.ClassSession, personal=["note"], exclude=["secret", "updated"])
        # A learner's name, phone and private link are recorded as changed, never with values.
        audit.register(
            models.Learner,
            personal=["full_name", "phone"],
            exclude=["token_hash", "updated"],
            repr_is_personal=True,
        )
        audit.register(models.Enrolment, exclude=["updated"], repr_is_personal=True)
        audit.register(models.VenueEvent, personal=["organiser_name", "note"], exclude=["updated"])
        # A certificate's holder is recorded as changed, never with the name; the signed
        # credential (which carries it) is not recorded at all.
        audit.register(
            models.Certificate,
            personal=["holder_name", "issuer_name", "revoked_reason"],
            exclude=["credential", "updated"],
            repr_is_personal=False,
        )

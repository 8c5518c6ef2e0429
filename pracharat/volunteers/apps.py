from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """The village volunteers (เน็ตอาสาประชารัฐ): who they are and what they did."""

    name = "pracharat.volunteers"
    verbose_name = _("Volunteers")
    nav = [("volunteers:index", _("Volunteers"))]

    def ready(self):
        from pracharat.core import audit, registry
        from pracharat.volunteers import demo, models, numbers, panels

        # The public name is the person's: recorded as changed, never with its value.
        audit.register(models.Volunteer, personal=["display_name"], exclude=["updated"])
        audit.register(models.VolunteerVillage)
        # What a volunteer wrote and photographed is recorded as changed, never its value.
        audit.register(models.VolunteerActivity, personal=["note", "photo"], exclude=["updated"])
        from pracharat.volunteers import actions

        registry.demo_loader(demo.load)
        registry.person_eraser(actions.erase_volunteer)
        registry.area_panel(panels.area_panel)
        registry.area_numbers("volunteers", numbers.area_numbers)

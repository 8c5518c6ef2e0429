from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pracharat.core"
    verbose_name = _("Core")

    def ready(self):
        from pracharat.core import checks  # noqa: F401  (registers the system checks)
        from pracharat.core.lib import images

        images.guard_pillow()  # a decompression bomb raises anywhere, not only in the loader

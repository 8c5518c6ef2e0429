from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pracharat.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from pracharat.accounts.models import Agency, ApiToken, Membership, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Agency)
        auditlog.register(Membership)
        auditlog.register(ApiToken, exclude_fields=["key_hash"])

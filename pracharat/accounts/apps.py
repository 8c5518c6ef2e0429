from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pracharat.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from pracharat.accounts.models import Agency, ApiToken, Membership, User
        from pracharat.core import audit

        # Personal fields are recorded as changed, never with their values (core.audit).
        audit.register(
            User,
            personal=["email", "phone", "full_name"],
            exclude=["password", "last_login"],
            repr_is_personal=True,
        )
        audit.register(Agency)  # an office's published contact, not a person's
        audit.register(Membership, repr_is_personal=True)
        audit.register(ApiToken, exclude=["key_hash"])

        from pracharat.accounts import actions, demo
        from pracharat.core import registry

        registry.personal_data_purger(actions.purge_login_records)
        registry.demo_loader(demo.load)

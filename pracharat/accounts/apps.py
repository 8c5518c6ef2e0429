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
            personal=["email", "phone", "full_name", "line_push_id"],
            exclude=["password", "last_login"],
            repr_is_personal=True,
        )
        # An office's published contact, not a person's; its LINE group ID is not published.
        audit.register(Agency, personal=["line_push_id"])
        audit.register(Membership, repr_is_personal=True)
        audit.register(ApiToken, exclude=["key_hash"])

        from pracharat.accounts import actions, demo
        from pracharat.core import registry

        registry.personal_data_purger(actions.purge_login_records)
        registry.demo_loader(demo.load)

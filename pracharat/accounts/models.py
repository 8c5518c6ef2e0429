"""People, agencies and the roles that give a person a view of an area."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.collation import thai
from pracharat.core.i18n import BilingualName
from pracharat.core.lib.phone import PhoneError, normalise_phone
from pracharat.core.models import AreaCodeField, AreaQuerySet, LinePushIdField, TimeStamped, area_q
from pracharat.core.notifications import Contact


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer (Net Pracharat)")
    PRODUCER = "producer", _("Producer group member")
    TRAINER = "trainer", _("Centre staff / trainer")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    INSPECTOR = "inspector", _("Inspector / ministry")
    OPERATOR = "operator", _("Operator / integrator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, phone, password, **extra):
        if not email and not phone:
            raise ValueError("A user needs an email address or a phone number")
        user = self.model(
            email=self.normalize_email(email) or None,
            phone=normalise_phone(phone) if phone else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, phone=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, phone, password, **extra)

    def create_superuser(self, email=None, password=None, phone=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, phone, password, **extra)

    def get_by_login(self, login: str):
        """The user whose email or phone number is ``login`` (phone in any common format)."""
        login = (login or "").strip()
        if "@" in login:
            return self.get(email__iexact=login)
        try:
            return self.get(phone=normalise_phone(login))
        except PhoneError:
            raise self.model.DoesNotExist from None

    def erase_accounts(self, *, phone: str = "", email: str = ""):
        """``core.personal_data.erase_person`` asks the user model this (see
        ``accounts.actions.erase_accounts``): ``({what: count}, [erased users])``."""
        from pracharat.accounts.actions import erase_accounts

        return erase_accounts(phone=phone, email=email)


class User(AbstractBaseUser, PermissionsMixin):
    """Logs in with an email address or a Thai phone number."""

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Thai number, e.g. 0812345678"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff (admin site)"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="th",
        help_text=_("The language of the messages the platform sends you."),
    )
    line_push_id = LinePushIdField()

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or "-"

    def clean(self):
        super().clean()
        if self.email:
            self.email = type(self).objects.normalize_email(self.email)
        if self.phone:
            try:
                self.phone = normalise_phone(self.phone)
            except PhoneError as exc:
                raise ValidationError({"phone": str(exc)}) from None
        if not self.email and not self.phone:
            raise ValidationError(_("Give an email address or a phone number."))

    def get_full_name(self) -> str:
        return self.full_name

    def area_codes(self) -> list[str] | None:
        """The areas this user sees, for ``core.models.AreaQuerySet.visible_to``: None for
        everything, [] for none (``accounts.scoping.area_codes_for``)."""
        from pracharat.accounts.scoping import area_codes_for  # import cycle

        return area_codes_for(self)

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else str(self)

    def notification_contact(self) -> Contact:
        if not self.is_active:
            return Contact()
        return Contact(email=self.email or "", line_id=self.line_push_id, language=self.language)


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial office")
    TELECOM = "telecom", _("Telecom provider")
    POST = "post", _("Post")
    STATISTICS = "statistics", _("Statistics")
    METEOROLOGY = "meteorology", _("Meteorology")
    DEPA = "depa", _("Digital economy promotion (depa)")
    UNIVERSITY = "university", _("University")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    OTHER = "other", _("Other")


class AgencyQuerySet(AreaQuerySet):
    def visible_to(self, user):
        """Agencies in the user's areas; an agency's own staff always see it, wherever it sits."""
        from pracharat.accounts.scoping import agency_ids_for, area_codes_for  # import cycle

        codes = area_codes_for(user)
        if codes is None:
            return self
        return self.filter(area_q(codes) | Q(pk__in=agency_ids_for(user)))


class Agency(BilingualName, TimeStamped):
    """A government body or partner: NT's customer service office, a post office, depa …"""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    area_code = AreaCodeField(blank=True, help_text=_("The area it serves; empty for national."))
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("parent agency"),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    line_push_id = LinePushIdField(
        help_text=_(
            "The LINE group (C…) or user (U…) ID that receives the agency's notifications "
            "(incidents assigned to it)."
        )
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["area_code", thai("name_th")]

    def __str__(self) -> str:
        return self.name

    def notification_contact(self) -> Contact:
        """An agency's office address and LINE group, in Thai."""
        return Contact(
            email=self.email, line_id=self.line_push_id, personal=False, label=self.name_th
        )


class Membership(TimeStamped):
    """A role held by a person, in an agency (or none, for volunteers), over an area."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("agency"),
    )
    area_code = AreaCodeField(
        blank=True, help_text=_("Where the role applies; empty for the whole country.")
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency", "area_code"], name="membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area_code or '—'}"


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, key: str):
        """The active user for ``key``, or None."""
        token = (
            self.select_related("user")
            .filter(key_hash=_hash_token(key), user__is_active=True)
            .filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))
            .first()
        )
        return token.user if token else None


class ApiToken(TimeStamped):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str, key: str | None = None) -> tuple[ApiToken, str]:
        key = key or f"pr_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=_hash_token(key))
        return token, key

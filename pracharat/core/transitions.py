"""State machines as tables, and the one function that moves a row along one.

A model with a status declares its table next to its status choices, ``{from: {action: to}}``
(``market.models.ORDER_TRANSITIONS``, ``network.models.INCIDENT_TRANSITIONS``), and its
pillar's actions build a :class:`Machine` from it with who may do what and how history is
written. Every status change then goes through :meth:`Machine.transition`, which

1. checks the acting person's right for the action (``rights``; ``by=None`` is the platform
   itself: a webhook, the health monitor, a command) -> ``NotAllowed``;
2. locks the row and checks that the table allows the action from its current status
   -> ``Conflict`` (or the machine's own ``refusal``);
3. saves the new status with the fields the action sets;
4. writes one history row (``record``) in the same transaction.

So no status is ever set by hand, a refused move changes nothing, and every move has a row
saying who moved it from what to what, when, and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pracharat.core.errors import Conflict, DomainError, NotAllowed


@dataclass(frozen=True)
class Step:
    """One move, as the history writer receives it (``obj`` is the locked, saved row)."""

    obj: Any
    action: str
    from_status: str
    to_status: str
    by: Any
    note: str
    at: datetime


Table = Mapping[str, Mapping[str, str]]


def targets(table: Table) -> dict[str, set[str]]:
    """``{from: {to, …}}``: the statuses each status may become (for buttons, checks)."""
    return {source: set(moves.values()) for source, moves in table.items()}


@dataclass(frozen=True)
class Machine:
    """One model's state machine.

    ``rights`` maps an action to ``fn(user, obj) -> bool``; an action without an entry has no
    right the machine can judge alone (a buyer's session, say) and its action checks it before
    calling. ``refusal(obj, action)`` builds the error for a move the table does not allow.
    """

    model: type
    table: Table
    record: Callable[[Step], object]
    rights: Mapping[str, Callable[[Any, Any], bool]] = field(default_factory=dict)
    refusal: Callable[[Any, str], DomainError] | None = None
    forbidden: str | None = None
    field: str = "status"

    def __post_init__(self):
        known = {f.name for f in self.model._meta.get_fields()}
        if self.field not in known:
            raise ValueError(f"{self.model.__name__} has no field {self.field!r}")
        unknown = set(self.rights) - {a for moves in self.table.values() for a in moves}
        if unknown:
            raise ValueError(f"rights for actions not in the table: {sorted(unknown)}")

    def allowed(self, obj) -> dict[str, str]:
        """``{action: to}`` the object may take now."""
        return dict(self.table.get(getattr(obj, self.field), {}))

    def may(self, user, obj, action: str) -> bool:
        """``user`` holds the right for ``action`` on ``obj`` (``None``: the platform)."""
        check = self.rights.get(action)
        return user is None or check is None or bool(check(user, obj))

    def check_right(self, user, obj, action: str) -> None:
        if not self.may(user, obj, action):
            raise NotAllowed(self.forbidden or _("You may not do this."))

    def transition(
        self,
        obj,
        action: str,
        *,
        by=None,
        note: str = "",
        at: datetime | None = None,
        **fields,
    ):
        """Move ``obj`` by ``action`` (see the module's doc); returns ``obj`` updated."""
        self.check_right(by, obj, action)
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
            from_status = getattr(locked, self.field)
            to_status = self.table.get(from_status, {}).get(action)
            if to_status is None:
                raise self._refuse(locked, action)
            setattr(locked, self.field, to_status)
            for name, value in fields.items():
                setattr(locked, name, value)
            saved = [self.field, *fields]
            if any(f.name == "updated" for f in self.model._meta.concrete_fields):
                saved.append("updated")
            locked.save(update_fields=saved)
            step = Step(
                obj=locked,
                action=action,
                from_status=from_status,
                to_status=to_status,
                by=by,
                note=note,
                at=at or timezone.now(),
            )
            self.record(step)
        for name in saved:
            setattr(obj, name, getattr(locked, name))
        return obj

    def _refuse(self, obj, action: str) -> DomainError:
        if self.refusal is not None:
            return self.refusal(obj, action)
        current = getattr(obj, f"get_{self.field}_display", lambda: getattr(obj, self.field))()
        return Conflict(
            _("This cannot be done while the status is “%(status)s”.") % {"status": current}
        )

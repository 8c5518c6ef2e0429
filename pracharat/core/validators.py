"""Django validators over the pure checks in core.lib, with Thai-first messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from pracharat.core.lib.text import invisible_characters


@deconstructible
class VisibleText:
    """Refuse zero-width, bidi-override and control characters (see core.lib.text)."""

    message = _(
        "Remove the invisible or direction-changing character (%(code)s) and type it again."
    )

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        found = invisible_characters(str(value or ""), multiline=self.multiline)
        if found:
            code = f"U+{ord(found[0][1]):04X}"
            raise ValidationError(self.message, code="invisible", params={"code": code})

    def __eq__(self, other):
        return isinstance(other, VisibleText) and other.multiline == self.multiline


visible_line = VisibleText()
visible_text = VisibleText(multiline=True)

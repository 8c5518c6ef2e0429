"""The PDPA notice a learner consents to when registering; its exact wording is stored with
the consent (``Learner.consent_text``, ``consent_version``). Change ``VERSION`` with the text."""

from __future__ import annotations

from django.utils.translation import gettext as _

VERSION = "2026-12-1"


def text() -> str:
    """The notice in the reader's language, as shown on the registration form."""
    return _(
        "I agree that the organisers of this class record my name, my phone number (if I "
        "give it), my occupation, age group and village, and my attendance, to run the class, "
        "to issue my certificate and to count (without names) how many people were trained. "
        "Only the class's trainer, the centre's staff and the province's officers see my name "
        "and phone number. I can withdraw and have my data erased at any time with my private "
        "link; the counts stay without my name."
    )

"""The rotating check-in codes of a class session (pure: no Django).

Time is cut into steps of ``step`` seconds (30 by default, ``LEARNING_CHECKIN_STEP``). For step
``n`` of a session, HMAC-SHA256 under the session's own secret gives

- the QR token ``"<session id>-<n>-<16 hex>"`` (64 bits of the MAC), which the trainer's
  screen shows as a QR code of the check-in URL, and
- the short code, 6 digits (the MAC truncated as in RFC 4226 §5.3), for those who cannot scan.

A code is accepted from the start of its step until the step's end plus ``grace`` seconds (a
learner who scanned just before the screen changed still gets in); after that it is refused,
and a code of a future step is refused too. So a photo of the screen sent to a friend at home
stops working within ``step + grace`` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

SHORT_DIGITS = 6


def step_of(now: float, step: int) -> int:
    return int(now // step)


def _mac(secret: str, purpose: str, session_id: int, n: int) -> bytes:
    message = f"{purpose}:{session_id}:{n}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def qr_token(secret: str, session_id: int, n: int) -> str:
    return f"{session_id}-{n}-{_mac(secret, 'qr', session_id, n)[:8].hex()}"


def short_code(secret: str, session_id: int, n: int) -> str:
    digest = _mac(secret, "short", session_id, n)
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**SHORT_DIGITS:0{SHORT_DIGITS}d}"


@dataclass(frozen=True)
class Codes:
    """What the trainer's screen shows now, and for how much longer."""

    step: int
    token: str
    short: str
    seconds_left: float


def current(secret: str, session_id: int, now: float, step: int) -> Codes:
    n = step_of(now, step)
    return Codes(
        step=n,
        token=qr_token(secret, session_id, n),
        short=short_code(secret, session_id, n),
        seconds_left=(n + 1) * step - now,
    )


def parse_token(token: str) -> tuple[int, int, str] | None:
    """``(session id, step, mac)`` of a QR token, or None when it is not one."""
    parts = (token or "").split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    if len(parts[2]) != 16:
        return None
    return int(parts[0]), int(parts[1]), parts[2].lower()


def _live_steps(now: float, step: int, grace: float) -> list[int]:
    """Steps whose codes are accepted at ``now``: the current one, and the one before while
    within the grace."""
    n = step_of(now, step)
    steps = [n]
    if now - n * step <= grace:
        steps.append(n - 1)
    return steps


def token_valid(secret: str, token: str, now: float, step: int, grace: float) -> bool:
    parsed = parse_token(token)
    if parsed is None:
        return False
    session_id, n, _mac_hex = parsed
    if n not in _live_steps(now, step, grace):
        return False
    return hmac.compare_digest(qr_token(secret, session_id, n), token.lower())


def short_code_valid(
    secret: str, session_id: int, code: str, now: float, step: int, grace: float
) -> bool:
    code = (code or "").strip()
    if len(code) != SHORT_DIGITS or not code.isdigit():
        return False
    return any(
        hmac.compare_digest(short_code(secret, session_id, n), code)
        for n in _live_steps(now, step, grace)
    )

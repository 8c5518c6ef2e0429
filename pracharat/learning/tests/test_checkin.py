"""The rotating codes, with the clock in the test's hands."""

from pracharat.learning.lib import checkin

SECRET = "k" * 64
STEP, GRACE = 30, 10


def test_a_token_works_in_its_step_and_the_grace_after_it_then_stops():
    now = 1_000_020.0  # 20 s into step 33334 (steps of 30 s start at 1_000_020 - 0)
    codes = checkin.current(SECRET, 7, now, STEP)
    assert checkin.token_valid(SECRET, codes.token, now, STEP, GRACE)
    step_end = (codes.step + 1) * STEP
    assert checkin.token_valid(SECRET, codes.token, step_end + GRACE - 0.1, STEP, GRACE)
    assert not checkin.token_valid(SECRET, codes.token, step_end + GRACE + 0.1, STEP, GRACE)
    assert not checkin.token_valid(SECRET, codes.token, now + 3600, STEP, GRACE)


def test_a_future_forged_or_foreign_token_is_refused():
    now = 2_000_000.0
    n = checkin.step_of(now, STEP)
    future = checkin.qr_token(SECRET, 7, n + 1)
    assert not checkin.token_valid(SECRET, future, now, STEP, GRACE)
    good = checkin.qr_token(SECRET, 7, n)
    forged = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert not checkin.token_valid(SECRET, forged, now, STEP, GRACE)
    assert not checkin.token_valid("other" * 10, good, now, STEP, GRACE)
    assert not checkin.token_valid(
        SECRET, checkin.qr_token(SECRET, 8, n).replace("8-", "7-", 1), now, STEP, GRACE
    )
    for junk in ("", "7", "7-1", "a-b-c", "7-1-zz"):
        assert not checkin.token_valid(SECRET, junk, now, STEP, GRACE)


def test_the_short_code_has_six_digits_and_rotates_with_the_same_rule():
    now = 3_000_000.0
    codes = checkin.current(SECRET, 7, now, STEP)
    assert len(codes.short) == 6 and codes.short.isdigit()
    assert checkin.short_code_valid(SECRET, 7, codes.short, now, STEP, GRACE)
    assert not checkin.short_code_valid(SECRET, 8, codes.short, now, STEP, GRACE) or (
        checkin.short_code(SECRET, 8, codes.step) == codes.short
    )
    later = (codes.step + 1) * STEP + GRACE + 1
    assert not checkin.short_code_valid(SECRET, 7, codes.short, later, STEP, GRACE) or (
        checkin.short_code(SECRET, 7, codes.step + 1) == codes.short
    )
    shorts = {checkin.short_code(SECRET, 7, n) for n in range(100)}
    assert len(shorts) > 95  # it changes every step

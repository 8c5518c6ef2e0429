"""Pure, Django-free building blocks of the market pillar.

Nothing in this package imports Django, touches the database or the network, so each module
can be unit-tested (and reused from management commands or scripts) without settings:

- :mod:`.promptpay` -- PromptPay / Thai QR Payment payloads (EMVCo merchant-presented QR).
- :mod:`.qr` -- rendering a payload as an inline SVG or a terminal QR code.
- :mod:`.s10` -- UPU S10 postal tracking numbers (Thailand Post ``EE123456785TH``).
- :mod:`.thaisearch` -- Thai word segmentation for full-text indexing.
"""

"""Pure RADIUS accounting building blocks (RFC 2865, RFC 2866, RFC 2869).

Nothing in this package imports Django: it decodes and answers Accounting-Request
packets, derives FreeRADIUS-compatible session keys and runs an asyncio UDP server
core. The Django app plugs in persistence and NAS secret lookup from outside.
"""

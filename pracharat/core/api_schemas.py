"""Schemas shared by every pillar's API: the one error shape, and a helper to document it."""

from __future__ import annotations

from ninja import Schema


class ErrorDetail(Schema):
    loc: list[str | int] | None = None
    message: str


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ErrorOut(Schema):
    error: ErrorBody


def with_errors(ok, *statuses: int) -> dict:
    """``response=with_errors(ProvinceOut, 404)`` documents 200 plus the given errors and 422
    (every endpoint with parameters can answer it)."""
    return {200: ok, 422: ErrorOut, **dict.fromkeys(statuses, ErrorOut)}

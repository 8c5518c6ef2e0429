"""Schemas shared by every pillar's API: the one error shape, a helper to document it, and
the query of a period of days."""

from __future__ import annotations

from ninja import Field, Schema

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


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


def period_query(start_default: str) -> type[Schema]:
    """The ``?start=&end=`` query of a period (parsed by ``core.numbers.period_from_query``);
    ``start_default`` says in the document what an absent start means."""

    class PeriodQuery(Schema):
        # Strings, not ``date``: pydantic would also take a number as a Unix time ("end=0" is
        # 1970-01-01), which a client never means.
        start: str | None = Field(
            None,
            pattern=DATE_PATTERN,
            description=f"First day (YYYY-MM-DD); default {start_default}",
            json_schema_extra={"format": "date"},
        )
        end: str | None = Field(
            None,
            pattern=DATE_PATTERN,
            description="Last day (YYYY-MM-DD), inclusive; default today",
            json_schema_extra={"format": "date"},
        )

    return PeriodQuery

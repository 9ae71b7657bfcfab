"""Request bodies and query strings of the HTTP API; validation happens here."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hall.domain.model import ID_CARD_NUMBER

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Row ids are 32-bit integers in both databases; a larger one is refused here, not by the driver (a 500).
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class IdCard(Body):
    number: Annotated[str, StringConstraints(pattern=ID_CARD_NUMBER)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class IssueBody(Body):
    category: Annotated[str, StringConstraints(min_length=1, max_length=8)]
    priority: Literal["normal", "green", "appointment"] = "normal"
    appointment_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None = None
    id_card: IdCard | None = None
    card_token: Annotated[str, StringConstraints(min_length=10, max_length=512)] | None = None
    kiosk: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class SignInBody(Body):
    post: Literal["A", "B"] = "A"


class TransferBody(Body):
    category: Annotated[str, StringConstraints(min_length=1, max_length=8)] | None = None
    window: Annotated[int, Field(ge=1, le=9999)] | None = None

    @model_validator(mode="after")
    def _one_target(self):
        if (self.category is None) == (self.window is None):
            raise ValueError("give exactly one of category, window")
        return self


class PauseBody(Body):
    reason: Text


class CallNumberBody(Body):
    number: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z]{1,2}\d{1,5}$")]


class CategoriesBody(Body):
    categories: Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=8)]],
                          Field(min_length=1, max_length=100)]


class EvaluationBody(Body):
    ticket_id: RowId
    level: Annotated[int, Field(ge=1, le=5)]
    reasons: Annotated[list[Literal["服务效率", "服务水平", "服务态度"]], Field(max_length=3)] = []
    comment: Annotated[str, StringConstraints(max_length=500)] | None = None


class WindowPath(BaseModel):
    n: Annotated[int, Field(ge=1, le=9999)]


class TicketPath(BaseModel):
    ticket_id: RowId


class AlarmPath(BaseModel):
    alarm_id: RowId


class TrackPath(BaseModel):
    token: Annotated[str, StringConstraints(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]


class TicketsQuery(BaseModel):
    date: dt.date | None = None
    status: Literal["waiting", "called", "serving", "done", "no_show"] | None = None


class ReportQuery(BaseModel):
    date: dt.date | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


class EventsQuery(BaseModel):
    since: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    limit: Annotated[int, Field(ge=1, le=5000)] = 500

"""Errors a hall rule can raise; each carries the contract's error code."""


class HallError(Exception):
    code = "hall_error"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(HallError):
    code = "not_found"


class UnknownCategory(HallError):
    code = "unknown_category"


class CategoryClosed(HallError):
    code = "category_closed"


class QuotaExhausted(HallError):
    code = "quota_exhausted"


class AlreadyQueued(HallError):
    """One open ticket per person per category (enforced with the keyed ID-card hash)."""
    code = "already_queued"


class NotSignedIn(HallError):
    code = "not_signed_in"


class WindowBusy(HallError):
    code = "window_busy"


class NoCurrentTicket(HallError):
    code = "no_current_ticket"


class AlreadyEvaluated(HallError):
    code = "already_evaluated"


class EvaluationExpired(HallError):
    code = "evaluation_expired"


class InvalidTransition(HallError):
    """A ticket was asked to do something its state does not allow."""
    code = "invalid_state"


class InvalidRequest(HallError):
    code = "validation_error"


class Forbidden(HallError):
    code = "forbidden"


class Unauthorized(HallError):
    code = "unauthorized"


class TooManyAttempts(HallError):
    code = "too_many_attempts"

from flask import jsonify, request
from flask_openapi3 import Tag

from hall.domain.errors import InvalidRequest
from hall.entrypoints.api import api
from hall.entrypoints.api.common import absolute, caller, ctx
from hall.entrypoints.api.schemas import EvaluationBody, IssueBody, TicketPath, TicketsQuery, TrackPath
from hall.service_layer import evaluations, tickets

tag = Tag(name="tickets", description="取号 Tickets and 好差评 evaluations")


@api.post("/tickets", tags=[tag], summary="Issue a ticket (kiosk, agent, supervisor)",
          description="An `Idempotency-Key` header repeated returns the same ticket (200 instead of 201).")
def issue(body: IssueBody):
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (1 <= len(key) <= 200):
        raise InvalidRequest("Idempotency-Key must be 1-200 characters")
    view, created = tickets.issue(
        ctx(), caller(), category=body.category, priority=body.priority, appointment_code=body.appointment_code,
        idempotency_key=key, id_card=body.id_card.model_dump() if body.id_card else None,
        card_token=body.card_token, kiosk=body.kiosk)
    return jsonify({"ticket": absolute(view)}), 201 if created else 200


@api.get("/tickets", tags=[tag], summary="The day's tickets, optionally by status (staff)")
def list_tickets(query: TicketsQuery):
    return jsonify({"tickets": [absolute(v) for v in tickets.of_day(ctx(), caller(), query.date, query.status)]})


@api.get("/tickets/<int:ticket_id>", tags=[tag], summary="A ticket (staff)")
def get_ticket(path: TicketPath):
    return jsonify({"ticket": absolute(tickets.get(ctx(), caller(), path.ticket_id))})


@api.post("/tickets/<int:ticket_id>/reinstate", tags=[tag], summary="A no-show ticket waits again")
def reinstate(path: TicketPath):
    return jsonify({"ticket": absolute(tickets.reinstate(ctx(), caller(), path.ticket_id))})


@api.get("/track/<token>", tags=[tag], security=[], summary="What the ticket's QR code shows")
def track(path: TrackPath):
    out = tickets.track(ctx(), path.token)
    out["ticket"] = absolute(out["ticket"])
    return jsonify(out)


@api.post("/evaluations", tags=[tag], summary="Rate a finished ticket (the pad of its window)")
def evaluate(body: EvaluationBody):
    return jsonify({"evaluation": evaluations.evaluate(ctx(), caller(), body.ticket_id, body.level,
                                                       body.reasons, body.comment)}), 201

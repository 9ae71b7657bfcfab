from flask import jsonify
from flask_openapi3 import Tag

from hall.entrypoints.api import api
from hall.entrypoints.api.common import caller, ctx
from hall.entrypoints.api.schemas import AlarmPath, EventsQuery
from hall.service_layer import hall_state, supervision

tag = Tag(name="hall", description="大厅 The hall's state, alarms and audit trail")


@api.get("/categories", tags=[tag], security=[], summary="Categories with waiting counts and whether open now")
def categories():
    return jsonify({"categories": hall_state.categories(ctx())})


@api.get("/zones", tags=[tag], security=[], summary="The hall's zones")
def zones():
    return jsonify({"zones": hall_state.zones(ctx())})


@api.get("/hall", tags=[tag], summary="Windows, queues, open alarms and recent calls (staff, devices)")
def hall():
    return jsonify(hall_state.hall(ctx(), caller()))


@api.post("/alarms/<int:alarm_id>/ack", tags=[tag], summary="Acknowledge an alarm (supervisor)")
def ack_alarm(path: AlarmPath):
    return jsonify({"alarm": supervision.acknowledge(ctx(), caller(), path.alarm_id)})


@api.get("/events", tags=[tag], summary="The audit trail (电子监察): every state change, who, when")
def events(query: EventsQuery):
    return jsonify(supervision.audit_trail(ctx(), caller(), query.since, query.limit))

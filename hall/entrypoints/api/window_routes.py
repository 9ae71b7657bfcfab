from flask import jsonify
from flask_openapi3 import Tag

from hall.entrypoints.api import api
from hall.entrypoints.api.common import absolute, caller, ctx
from hall.entrypoints.api.schemas import (CallNumberBody, CategoriesBody, PauseBody, SignInBody, TransferBody,
                                          WindowPath)
from hall.service_layer import windows

tag = Tag(name="windows", description="窗口 What clerks (and keypads) do at a window")


def _ticket(view):
    return jsonify({"ticket": absolute(view)})


def _window(view):
    if view.get("ticket"):
        view = {**view, "ticket": absolute(view["ticket"])}
    return jsonify({"window": view})


@api.post("/windows/<int:n>/sign-in", tags=[tag], summary="Take the window as post A or B (AB岗)")
def sign_in(path: WindowPath, body: SignInBody):
    return _window(windows.sign_in(ctx(), caller(), path.n, body.post))


@api.post("/windows/<int:n>/sign-out", tags=[tag], summary="Leave the window")
def sign_out(path: WindowPath):
    return _window(windows.sign_out(ctx(), caller(), path.n))


@api.post("/windows/<int:n>/call-next", tags=[tag], summary="Call the next ticket; 204 when nobody waits")
def call_next(path: WindowPath):
    view = windows.call_next(ctx(), caller(), path.n)
    return ("", 204) if view is None else _ticket(view)


@api.post("/windows/<int:n>/call", tags=[tag], summary="Call one waiting ticket by its number")
def call_number(path: WindowPath, body: CallNumberBody):
    return _ticket(windows.call_number(ctx(), caller(), path.n, body.number))


@api.post("/windows/<int:n>/recall", tags=[tag], summary="Call the current ticket again")
def recall(path: WindowPath):
    return _ticket(windows.recall(ctx(), caller(), path.n))


@api.post("/windows/<int:n>/start", tags=[tag], summary="The visitor arrived: serving")
def start(path: WindowPath):
    return _ticket(windows.start(ctx(), caller(), path.n))


@api.post("/windows/<int:n>/finish", tags=[tag], summary="Done; asks the window's pad for an evaluation")
def finish(path: WindowPath):
    return _ticket(windows.finish(ctx(), caller(), path.n))


@api.post("/windows/<int:n>/no-show", tags=[tag], summary="The visitor did not come (过号)")
def no_show(path: WindowPath):
    return _ticket(windows.no_show(ctx(), caller(), path.n))


@api.post("/windows/<int:n>/transfer", tags=[tag], summary="Send the visitor to a category or window (首问负责)")
def transfer(path: WindowPath, body: TransferBody):
    return _ticket(windows.transfer(ctx(), caller(), path.n, category=body.category, window=body.window))


@api.post("/windows/<int:n>/pause", tags=[tag], summary="暂停服务 with a reason")
def pause(path: WindowPath, body: PauseBody):
    return _window(windows.pause(ctx(), caller(), path.n, body.reason))


@api.post("/windows/<int:n>/resume", tags=[tag], summary="Resume service")
def resume(path: WindowPath):
    return _window(windows.resume(ctx(), caller(), path.n))


@api.put("/windows/<int:n>/categories", tags=[tag], summary="What the window serves from now on (supervisor)")
def set_categories(path: WindowPath, body: CategoriesBody):
    return _window(windows.set_categories(ctx(), caller(), path.n, body.categories))


@api.get("/windows/<int:n>/queue", tags=[tag], summary="Waiting tickets this window may call, in calling order")
def queue(path: WindowPath):
    return jsonify({"tickets": [absolute(v) for v in windows.queue_of(ctx(), caller(), path.n)]})

from flask import jsonify
from flask_openapi3 import Tag

from hall.entrypoints.api import api
from hall.entrypoints.api.common import bearer_token, caller, ctx
from hall.entrypoints.api.schemas import LoginBody
from hall.service_layer import accounts

tag = Tag(name="auth", description="登录 Staff login and tokens")


@api.post("/auth/login", tags=[tag], security=[], summary="Log in; returns a token that survives restarts")
def login(body: LoginBody):
    return jsonify(accounts.login(ctx(), body.username, body.password))


@api.post("/auth/logout", tags=[tag], summary="Revoke this login token")
def logout():
    caller()
    accounts.logout(ctx(), bearer_token())
    return "", 204


@api.get("/me", tags=[tag], summary="Who this token belongs to")
def me():
    return jsonify(accounts.me(ctx(), caller()))

"""ID cards read at a kiosk: the visitor chooses a category on the screen after the read.

The reader's agent sends the card to the server; the kiosk gets back only the masked
name and a short-lived signed card token, which it sends with the ticket request. The
ID number never reaches the browser, and no server state is kept between the two steps
(any node can check the token)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

from hall.domain import events as ev
from hall.domain.errors import Forbidden, InvalidRequest
from hall.domain.events import Message
from hall.domain.issuing import mask_name
from hall.service_layer.actors import Actor, require
from hall.service_layer.context import HallContext
from hall.service_layer.views import iso

CARD_TOKEN_S = 120  # long enough to choose a category, short enough not to be reused by the next visitor


def _sign(ctx: HallContext, body: bytes) -> str:
    return hmac.new(ctx.options.secret, b"id-card:" + body, hashlib.sha256).hexdigest()[:32]


def card_read(ctx: HallContext, actor: Actor, kiosk: str, number: str, name: str) -> Message:
    """The message that tells the kiosk a card was read (and only the kiosk)."""
    require(actor, kinds=("agent",), what="report ID card reads")
    now = ctx.clock()
    holder = mask_name(name)
    expires = now + dt.timedelta(seconds=CARD_TOKEN_S)
    body = base64.urlsafe_b64encode(json.dumps(
        {"k": ctx.holder_key(number), "h": holder, "kiosk": kiosk, "exp": int(expires.timestamp())},
        separators=(",", ":")).encode()).decode()
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        uow.audit.record("id_card.read", now, **actor.audit(), kiosk=kiosk)
    return Message("id_card.read", {"holder": holder, "card_token": f"{body}.{_sign(ctx, body.encode())}",
                                    "expires_at": iso(expires, tz)},
                   kiosk=kiosk, audience=frozenset({ev.KIOSK}))


def open_card_token(ctx: HallContext, actor: Actor, token: str) -> tuple[str, str]:
    """(keyed ID hash, masked name) from a kiosk's card token; refuses forged, stale or foreign ones."""
    body, _, signature = token.partition(".")
    # Bytes, not str: compare_digest refuses non-ASCII strings, and a token comes from outside.
    if not body or not hmac.compare_digest(signature.encode(), _sign(ctx, body.encode()).encode()):
        raise InvalidRequest("身份证信息无效，请重新刷卡 (invalid card token)")
    data = json.loads(base64.urlsafe_b64decode(body.encode()))
    if data["exp"] < ctx.clock().timestamp():
        raise InvalidRequest("刷卡已超时，请重新刷卡 (the card read has expired)")
    if actor.kind == "kiosk" and data["kiosk"] != actor.device.name:
        raise Forbidden("this card was read at another kiosk")
    return data["k"], data["h"]

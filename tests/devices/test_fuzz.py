"""Every frame parser, fed garbage, truncations and corruptions: never raises, counts what it drops."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.agent.hall_view import HallView
from devices.emulators.escpos_printer import EscposDecoder
from devices.protocols import escpos_ticket, gat467, keypad485, onbon_bx, strip485

DECODERS = {
    "keypad485": (keypad485.decoder, lambda: keypad485.encode(keypad485.display_frame(2, "A017", 12))),
    "gat467": (gat467.decoder, lambda: gat467.encode(gat467.SW_OK + gat467.read_reply_data(
        gat467.text_block("李四", "110101199003071234")))),
    "onbon": (onbon_bx.decoder, lambda: onbon_bx.encode(onbon_bx.Frame(1, onbon_bx.dynamic_text(
        onbon_bx.Area(), ["请A001号"])))),
    "strip485": (strip485.decoder, lambda: strip485.encode(strip485.show_text(1, ["暂停服务"]))),
}
chunks = st.lists(st.binary(max_size=64), max_size=20)


def feed_all(decoder, pieces):
    frames = []
    for piece in pieces:
        frames += decoder.feed(piece)
    return frames


def corruptions():
    return st.tuples(st.sampled_from(sorted(DECODERS)), st.integers(min_value=0), st.integers(0, 255))


@settings(max_examples=300)
@given(name=st.sampled_from(sorted(DECODERS)), pieces=chunks)
def test_garbage_never_raises(name, pieces):
    make, _ = DECODERS[name]
    decoder = make()
    feed_all(decoder, pieces)
    decoder.flush_stale()
    assert decoder.pending == 0


@settings(max_examples=300)
@given(case=corruptions(), junk=st.binary(max_size=40), split=st.integers(min_value=0))
def test_one_corrupted_byte_is_dropped_and_the_next_frame_still_arrives(case, junk, split):
    name, position, value = case
    make, sample = DECODERS[name]
    good = sample()
    bad = bytearray(good)
    position %= len(bad)
    if bad[position] == value:
        return
    bad[position] = value
    decoder = make()
    stream = junk + bytes(bad) + good
    split %= len(stream) + 1
    frames = feed_all(decoder, [stream[:split], stream[split:]]) + decoder.flush_stale()
    assert frames, "the good frame after the bad one was lost"
    assert decoder.dropped >= 1 or len(frames) == 2


@settings(max_examples=200)
@given(name=st.sampled_from(sorted(DECODERS)), cut=st.integers(min_value=1))
def test_truncated_frame_is_dropped_when_the_line_goes_quiet(name, cut):
    make, sample = DECODERS[name]
    frame = sample()
    decoder = make()
    assert decoder.feed(frame[: cut % len(frame)]) == []
    decoder.flush_stale()
    assert decoder.dropped >= (1 if cut % len(frame) else 0)
    assert decoder.feed(frame)


@settings(max_examples=300)
@given(pieces=chunks)
def test_escpos_stream_decoder_never_raises(pieces):
    decoder = EscposDecoder()
    for piece in pieces:
        replies = decoder.feed(piece)
        assert all(escpos_ticket.valid_status_byte(b) for b in replies)


@given(st.binary(max_size=300))
def test_payload_readers_never_raise(data):
    gat467.parse_read_reply(data)
    onbon_bx.read_dynamic_text(data)
    onbon_bx.unescape(data)
    keypad485.key_press(keypad485.Frame(data[:1][0] if data else 0, data[1] if len(data) > 1 else 0, data[2:]))
    keypad485.read_display(keypad485.Frame(1, 2, data))
    strip485.read_text(strip485.Frame(1, 1, data))


@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_printer_status_decoding_is_total(a, b, c):
    escpos_ticket.decode_status(a, b, c)


scalars = st.none() | st.booleans() | st.integers(-2, 5) | st.sampled_from(["", "A001", "t1", "called"])
json_values = scalars | st.dictionaries(st.sampled_from(["id", "number", "status", "window"]), scalars, max_size=4)
events = st.sampled_from(["ticket.called", "window.updated", "queue.updated", "ticket.finished",
                          "ticket.no_show", "ticket.transferred", "evaluation.requested"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(event=events, payload=st.dictionaries(
    st.sampled_from(["ticket", "window", "zone", "number", "state", "category", "id", "stream", "seq", "waiting"]),
    json_values, max_size=6))
def test_hall_view_survives_odd_events(event, payload):
    view = HallView()
    view.apply_snapshot({"stream": "s", "seq": 1, "hall": {"windows": [{"number": 1, "zone": "Z", "state": "open"}]}})
    view.in_sequence(payload)
    view.apply(event, payload)
    view.current_number(1)
    view.waiting_for(1)

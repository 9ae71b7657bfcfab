"""Pure codec tests: known frames byte for byte, and round trips."""

from pathlib import Path

import pytest

from devices.emulators.escpos_printer import EscposDecoder
from devices.interfaces import DeviceState, IdCard, KeyPress, PrintedTicket
from devices.protocols import escpos_ticket, gat467, keypad485, onbon_bx, strip485

TICKET = PrintedTicket(
    hall_name="示例市民中心", category_name="不动产登记", number="A023", ahead=4,
    issued_at="2026-11-23T09:05:00+08:00", track_url="http://hall.example/t/tok123",
    zone_name="不动产登记综合受理区", holder="张*三", notice="过号无效，请重新取号",
)


def decode(data: bytes) -> EscposDecoder:
    decoder = EscposDecoder()
    decoder.feed(data)
    return decoder


def test_ticket_is_hanzi_mode_gb18030_with_native_qr_and_cut():
    data = escpos_ticket.render_ticket(TICKET)
    assert data.startswith(b"\x1b@\x1c&")
    assert "示例市民中心".encode("gb18030") in data
    assert "：".encode("gb18030") in data  # full-width punctuation survives
    assert b"\x1d(k" in data and b"http://hall.example/t/tok123" in data
    assert data.endswith(b"\x1dV\x01")
    [receipt] = decode(data).receipts
    assert receipt.line_with("A023").width == 4 and receipt.line_with("A023").bold
    assert receipt.line_with("示例市民中心").height == 2
    assert receipt.line_with("前面还有 4 人")
    assert receipt.line_with("2026-11-23 09:05")
    assert receipt.line_with("张*三") and receipt.line_with("过号无效")
    assert receipt.qr_codes == ["http://hall.example/t/tok123"] and receipt.cut


def test_ticket_without_hanzi_mode_is_garbage_to_the_printer():
    data = escpos_ticket.render_ticket(TICKET).replace(escpos_ticket.HANZI_ON, b"")
    assert "示例" not in decode(data).receipts[0].text


def test_qr_store_function_carries_its_length():
    qr = escpos_ticket.qr_code("abc", 5)
    assert b"\x1d(k\x06\x00\x31\x50\x30abc" in qr and qr.endswith(b"\x1d(k\x03\x00\x31\x51\x30")


@pytest.mark.parametrize("state", list(DeviceState))
def test_printer_status_round_trip(state):
    replies = escpos_ticket.status_reply(state)
    expected = DeviceState.ERROR if state is DeviceState.ERROR else state
    if state is DeviceState.ERROR:
        replies = {1: 0xFF, 2: 0x12, 4: 0x12}
    assert escpos_ticket.decode_status(replies[1], replies[2], replies[4]) is expected


def test_status_query_bytes():
    assert escpos_ticket.status_query(4) == b"\x10\x04\x04"


def test_unknown_printer_connection_is_refused():
    with pytest.raises(ValueError):
        escpos_ticket.connection_printer("lpt://1", 1.0)


def test_onbon_ping_frame_matches_the_published_bytes():
    frame = onbon_bx.encode(onbon_bx.Frame(1, b"\xa2\x00\x01\x00\x00"))
    assert frame.hex() == "a5a5a5a5a5a5a5a501000080000000000000fe020500a20001000068f85a"


def test_onbon_crc_is_crc16_arc():
    assert onbon_bx.crc16_arc(b"123456789") == 0xBB3D


def test_onbon_escapes_reserved_bytes():
    body = bytes([0xA5, 0xA6, 0x5A, 0x5B, 0x00])
    assert onbon_bx.escape(body) == b"\xa6\x02\xa6\x01\x5b\x02\x5b\x01\x00"
    assert onbon_bx.unescape(onbon_bx.escape(body)) == body
    assert onbon_bx.unescape(b"\xa6\x07") is None


def test_onbon_dynamic_text_round_trip():
    data = onbon_bx.dynamic_text(onbon_bx.Area(area_id=3), ["请A001号", "到5号窗口"])
    frame = onbon_bx.encode(onbon_bx.Frame(2, data))
    [decoded] = onbon_bx.decoder().feed(frame)
    assert decoded.address == 2
    assert onbon_bx.read_dynamic_text(decoded.data) == (3, ["请A001号", "到5号窗口"])
    assert "请".encode("gb2312") in onbon_bx.unescape(frame[8:-1])


def test_strip485_round_trip_and_checksum():
    frame = strip485.encode(strip485.show_text(7, ["5号窗口", "暂停服务"]))
    assert frame[:5] == b"\xaa\x55\x07\x01" + bytes([len(frame) - 6])
    assert sum(frame[2:-1]) % 256 == frame[-1]
    [decoded] = strip485.decoder().feed(frame)
    assert strip485.read_text(decoded) == ["5号窗口", "暂停服务"]


def test_strip485_cuts_long_text_at_a_character():
    frame = strip485.show_text(1, ["汉" * 300])
    assert len(frame.data) == 254 and frame.data.decode("gb2312") == "汉" * 127


def test_keypad_display_frame_matches_the_known_bytes():
    frame = keypad485.encode(keypad485.display_frame(1, "A123", 7))
    # Waiting 007 on the left, ticket 123 on the right, CS = 1 + 2 + 7 + 1 + 2 + 3.
    assert frame.hex() == "ff680808680102" + "000007" + "010203" + "10" + "16"


def test_keypad_display_blanks_and_caps():
    assert keypad485.read_display(keypad485.display_frame(1, "", 5000)) == ("999", "   ")


@pytest.mark.parametrize(
    "data, func, expected",
    [
        (b"\x0c", 0x01, KeyPress(3, "call_next")),
        (b"\x0d", 0x01, KeyPress(3, "recall")),
        (b"\x0b", 0x01, KeyPress(3, "finish")),
        (b"\x12", 0x01, KeyPress(3, "pause")),
        (b"\x05\x13", 0x01, KeyPress(3, "transfer", 5)),
        (b"\x13", 0x01, None),
        (b"\x06\x0f", 0x01, KeyPress(3, "no_show")),
        (b"\x00\x0f", 0x01, None),
        (b"\x02", 0x11, KeyPress(3, "rate", 2)),
        (b"", 0x01, None),
    ],
)
def test_keypad_keys(data, func, expected):
    frame = keypad485.encode(keypad485.Frame(3, func, data))
    [decoded] = keypad485.decoder().feed(frame)
    assert keypad485.key_press(decoded) == expected


@pytest.mark.parametrize("action, argument", [("call_next", None), ("transfer", 9), ("no_show", None), ("rate", 3)])
def test_keypad_key_frame_is_the_inverse_of_key_press(action, argument):
    assert keypad485.key_press(keypad485.key_frame(4, action, argument)) == KeyPress(4, action, argument)


def test_keypad_checksum_is_mod_256():
    frame = keypad485.encode(keypad485.Frame(0xFE, 0x11, b"\xff\x03"))
    assert frame[-2] == (0xFE + 0x11 + 0xFF + 0x03) % 256


def test_gat467_requests_match_the_published_frames():
    assert gat467.request(gat467.FIND).hex() == "aaaaaa96690003200122"
    assert gat467.request(gat467.SELECT).hex() == "aaaaaa96690003200221"
    assert gat467.request(gat467.READ).hex() == "aaaaaa96690003300132"


def test_gat467_read_reply_round_trip():
    text = gat467.text_block("张三", "11010119900307123X")
    reply = gat467.encode(gat467.SW_OK + gat467.read_reply_data(text, b"\x00" * 1024))
    assert len(reply) == 1295
    [payload] = gat467.decoder().feed(reply)
    assert payload[:3] == gat467.SW_OK
    assert gat467.parse_read_reply(payload[3:]) == IdCard("张三", "11010119900307123X")


def test_gat467_implausible_text_is_no_card():
    assert gat467.parse_read_reply(gat467.read_reply_data(b"\x00" * 256)) is None
    assert gat467.parse_read_reply(b"\x01") is None


def test_the_examples_in_the_readme_are_right():
    readme = (Path(__file__).parents[2] / "devices" / "README.md").read_text(encoding="utf-8")
    strip = strip485.encode(strip485.show_text(1, ["1号窗口", "暂停服务"])).hex(" ").upper()
    keypad = keypad485.encode(keypad485.display_frame(1, "A042", 13)).hex(" ").upper()
    assert strip in " ".join(readme.split()) and keypad in readme

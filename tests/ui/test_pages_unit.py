"""The page blueprint and the voice renderer, without a browser."""
import wave

import pytest
from flask import Flask

from hall.entrypoints import voice_api, web_ui
from hall.voice import Announcer, cardinal, pinyin_tokens, spell_numbers


@pytest.fixture()
def client(tmp_path):
    app = Flask(__name__)
    app.config["HALL_VOICE_CACHE"] = str(tmp_path / "cache")
    app.register_blueprint(web_ui.blueprint)
    app.register_blueprint(voice_api.blueprint)
    return app.test_client()


def test_pages_without_a_build_tell_the_admin_what_to_run(client, monkeypatch, tmp_path):
    monkeypatch.setattr(web_ui, "BUILD_DIR", tmp_path / "missing")
    response = client.get("/kiosk/")
    assert response.status_code == 503
    assert "npm ci && npm run build" in response.get_data(as_text=True)


@pytest.mark.parametrize("path, app", [("/kiosk/", "kiosk"), ("/counter/", "counter"), ("/display/", "lobby"),
                                       ("/window/3/", "window"), ("/pad/3/", "pad"), ("/console/", "console"),
                                       ("/t/abc", "track")])
def test_every_page_names_its_bundle(client, monkeypatch, tmp_path, path, app):
    monkeypatch.setattr(web_ui, "BUILD_DIR", tmp_path)
    (tmp_path / f"{app}.js").write_text("//")
    html = client.get(path).get_data(as_text=True)
    assert f'src="/ui/{app}.js?v=' in html and f'data-app="{app}"' in html


def test_the_track_token_is_escaped(client, monkeypatch, tmp_path):
    monkeypatch.setattr(web_ui, "BUILD_DIR", tmp_path)
    (tmp_path / "track.js").write_text("//")
    html = client.get('/t/"><script>x').get_data(as_text=True)
    assert "<script>x" not in html


def test_numbers_are_spoken_as_a_hall_says_them():
    assert spell_numbers("请A012号到5号窗口办理") == "请A零一二号到五号窗口办理"
    assert [cardinal(n) for n in ("10", "12", "20", "105", "110", "1001", "007")] == [
        "十", "十二", "二十", "一百零五", "一百一十", "一千零一", "零零七"]
    assert pinyin_tokens("请A1号到12号窗口") == ["qing3", "A", "yi1", "hao4", "dao4", "shi2", "er4", "hao4",
                                              "chuang1", "kou3"]


def tone(path, frames=800):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x01\x00" * frames)


def test_a_clip_pack_is_used_when_it_covers_the_text(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    for name in ["chime", "请", "A", "零", "一", "hao4", "到", "五", "窗口", "ban4", "理"]:
        tone(clips / f"{name}.wav")
    announcer = Announcer(tmp_path / "cache", clips_dir=clips, espeak="no-such-espeak")
    path = announcer.render("请A001号到5号窗口办理")
    with wave.open(str(path)) as w:
        # chime + 请 A 零 零 一 号 到 五 号 窗口 办 理: 13 clips
        assert w.getnframes() == 13 * 800
    assert announcer.render("请A001号到5号窗口办理") == path  # cached


def test_without_clips_or_espeak_the_voice_is_unavailable(client, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    response = client.get("/api/v1/voice?text=请A001号")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "voice_unavailable"

"""Announcement audio, rendered on the server so that halls need no internet and no
browser speech engine.

Two backends, tried in this order:
- a clip voice pack: a directory of WAV files, each named after what it says: a word or
  character (``请.wav``, ``窗口.wav``), a tone-numbered pinyin syllable (``qing3.wav``) or a
  letter (``A.wav``); an optional ``chime.wav`` is played first. A hall can record its own
  voice this way (真人语音).
- espeak-ng speaking tone-numbered pinyin with its ``cmn-latn-pinyin`` voice: Debian's
  espeak-ng reads hanzi as English, but reads pinyin with tone numbers as Mandarin.

Rendered audio is cached on disk by text, so each announcement is synthesised once.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from pypinyin import Style, lazy_pinyin

log = logging.getLogger(__name__)

DIGITS = "零一二三四五六七八九"
UNITS = ("", "十", "百", "千")
MAX_TEXT = 80


class VoiceUnavailable(RuntimeError):
    """Neither a usable clip pack nor espeak-ng is installed."""


def cardinal(digits: str) -> str:
    """12 → 十二, 105 → 一百零五; what a window number sounds like."""
    if len(digits) > 4 or (len(digits) > 1 and digits[0] == "0"):
        return "".join(DIGITS[int(d)] for d in digits)
    spoken, gap = "", False
    for i, d in enumerate(int(c) for c in digits):
        if d == 0:
            gap = True
            continue
        if gap and spoken:
            spoken += "零"
        gap = False
        spoken += DIGITS[d] + UNITS[len(digits) - 1 - i]
    if not spoken:
        return DIGITS[0]
    return spoken[1:] if spoken.startswith("一十") else spoken


def spell_numbers(text: str) -> str:
    """Ticket numbers digit by digit (A012 → A零一二), other numbers as numbers (5号 → 五号)."""
    def spoken(match: re.Match) -> str:
        letters, digits = match.group(1), match.group(2)
        if letters:
            return letters.upper() + "".join(DIGITS[int(d)] for d in digits)
        return cardinal(digits)
    return re.sub(r"([A-Za-z]*)(\d+)", spoken, text)


def units(text: str) -> list[str]:
    """Hanzi and Latin letters, in order; everything else is a pause nobody needs."""
    return re.findall(r"[\u4e00-\u9fff]|[A-Za-z]", spell_numbers(text))


def pinyin_tokens(text: str) -> list[str]:
    hanzi_or_letters = "".join(units(text))
    tokens = lazy_pinyin(hanzi_or_letters, style=Style.TONE3, neutral_tone_with_five=True,
                         errors=lambda chunk: list(chunk))
    return [tok.upper() if len(tok) == 1 and tok.isalpha() else tok for tok in tokens]


class ClipPack:
    def __init__(self, directory: Path):
        self.directory = directory
        self.clips = {p.stem: p for p in directory.glob("*.wav")}
        self.longest = max((len(stem) for stem in self.clips), default=0)

    def signature(self) -> str:
        return f"clips:{self.directory}:{self.directory.stat().st_mtime_ns}"

    def plan(self, text: str) -> list[Path] | None:
        """The clips that say `text`, or None when a word is missing from the pack."""
        chars = units(text)
        syllables = pinyin_tokens(text)
        plan = [self.clips["chime"]] if "chime" in self.clips else []
        i = 0
        while i < len(chars):
            for size in range(min(self.longest, len(chars) - i), 0, -1):
                word = "".join(chars[i:i + size])
                if word in self.clips:
                    plan.append(self.clips[word])
                    i += size
                    break
            else:
                clip = self.clips.get(syllables[i]) if i < len(syllables) else None
                if clip is None:
                    return None
                plan.append(clip)
                i += 1
        return plan

    @staticmethod
    def join(clips: list[Path], out: Path) -> bool:
        params = None
        with wave.open(str(out), "wb") as target:
            for clip in clips:
                with wave.open(str(clip), "rb") as source:
                    p = (source.getnchannels(), source.getsampwidth(), source.getframerate())
                    if params is None:
                        params = p
                        target.setnchannels(p[0])
                        target.setsampwidth(p[1])
                        target.setframerate(p[2])
                    elif p != params:
                        log.warning("voice clip %s differs in format from the others; using espeak-ng", clip)
                        return False
                    target.writeframes(source.readframes(source.getnframes()))
        return params is not None


class Announcer:
    def __init__(self, cache_dir: str | os.PathLike, clips_dir: str | os.PathLike | None = None,
                 espeak: str = "espeak-ng", speed: int = 140):
        self.cache_dir = Path(cache_dir)
        self.clips = ClipPack(Path(clips_dir)) if clips_dir and Path(clips_dir).is_dir() else None
        self.espeak = shutil.which(espeak)
        self.speed = speed

    def render(self, text: str) -> Path:
        """A WAV file that says `text`, from the cache when it was said before."""
        text = text.strip()[:MAX_TEXT]
        plan = self.clips.plan(text) if self.clips else None
        backend = self.clips.signature() if plan else f"espeak:{self.speed}"
        if plan is None and not self.espeak:
            raise VoiceUnavailable("no voice clip pack covers this text and espeak-ng is not installed")
        key = hashlib.sha256(f"{backend}\n{text}".encode()).hexdigest()
        path = self.cache_dir / f"{key}.wav"
        if path.is_file():
            return path
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(suffix=".wav", dir=self.cache_dir)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if not (plan and ClipPack.join(plan, tmp)):
                self._espeak(text, tmp)
            # Atomic, so two requests for the same text never serve half a file.
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def _espeak(self, text: str, out: Path) -> None:
        if not self.espeak:
            raise VoiceUnavailable("espeak-ng is not installed")
        subprocess.run([self.espeak, "-v", "cmn-latn-pinyin", "-s", str(self.speed), "-w", str(out),
                        " ".join(pinyin_tokens(text))], check=True, timeout=30, capture_output=True)

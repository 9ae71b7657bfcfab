"""The agent's TOML config: which devices, where, speaking what.

Every mistake is reported as one `ConfigError` naming the file, the entry and the field,
before any device is opened, so an installer can fix a hall's wiring from the message.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices import registry
from devices.links import check_link_url

DEFAULT_RATINGS = {0: 5, 1: 4, 2: 3, 3: 2}
REQUIRED = object()


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Device:
    name: str
    protocol: str
    connection: str
    options: dict[str, Any]

    def open_driver(self):
        return _KINDS[type(self)][self.protocol](self.connection, **self.options)


@dataclass(frozen=True)
class PrinterConfig(Device):
    kiosk: str = ""
    max_job_age_s: float = 600.0
    retry_s: float = 3.0


@dataclass(frozen=True)
class ScreenConfig(Device):
    window: int | None = None
    zone: str | None = None
    rows: int = 4
    flash_s: float = 3.0


@dataclass(frozen=True)
class KeypadConfig(Device):
    windows: dict[int, int] = field(default_factory=dict)
    ratings: dict[int, int] = field(default_factory=lambda: dict(DEFAULT_RATINGS))
    bad_reasons: tuple[str, ...] = ("服务态度",)
    pause_reason: str = "暂离"


@dataclass(frozen=True)
class CardReaderConfig(Device):
    kiosk: str = ""
    category: str | None = None


@dataclass(frozen=True)
class AgentConfig:
    printers: tuple[PrinterConfig, ...] = ()
    screens: tuple[ScreenConfig, ...] = ()
    keypads: tuple[KeypadConfig, ...] = ()
    card_readers: tuple[CardReaderConfig, ...] = ()

    @property
    def devices(self) -> tuple[Device, ...]:
        return self.printers + self.screens + self.keypads + self.card_readers


_KINDS = {
    PrinterConfig: registry.PRINTERS,
    ScreenConfig: registry.SCREENS,
    KeypadConfig: registry.KEYPADS,
    CardReaderConfig: registry.CARD_READERS,
}


class _Entry:
    """Reads one `[[section]]` entry field by field, remembering what it has not used."""

    def __init__(self, path: Path, section: str, index: int, table: Any):
        self.where = f"{path}: {section}[{index}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{self.where}: must be a table ([[{section}]])")
        self.table = table
        self.unused = set(table)
        name = table.get("name")
        if isinstance(name, str):
            self.where += f" ({name!r})"

    def error(self, field_name: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: field {field_name!r}: {message}")

    def get(self, field_name: str, kind: type, default: Any = REQUIRED):
        if field_name not in self.table:
            if default is REQUIRED:
                raise ConfigError(f"{self.where}: field {field_name!r} is missing")
            return default
        self.unused.discard(field_name)
        value = self.table[field_name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.error(field_name, f"must be {kind.__name__}, not {value!r}")
        return value

    def int_map(self, field_name: str, default: dict[int, int] | None) -> dict[int, int]:
        table = self.get(field_name, dict, REQUIRED if default is None else default)
        try:
            return {int(key): _strict_int(value) for key, value in table.items()}
        except (TypeError, ValueError):
            raise self.error(field_name, f"must map whole numbers to whole numbers, e.g. {{ 1 = 5 }}, "
                                         f"not {table!r}") from None

    def device(self, kinds: dict[str, type], default_protocol: str | None, name: str) -> dict[str, Any]:
        protocol = self.get("protocol", str, default_protocol or REQUIRED)
        if protocol not in kinds:
            raise self.error("protocol", f"unknown protocol {protocol!r} (known: {', '.join(sorted(kinds))})")
        connection = self.get("connection", str)
        options = {}
        for key, option in kinds[protocol].OPTIONS.items():
            options[key] = self.get(key, option.kind, option.default)
            if not option.valid(options[key]):
                raise self.error(key, f"{options[key]!r} is not {option.rule}")
        return {"name": name, "protocol": protocol, "connection": connection, "options": options}

    def finish(self) -> None:
        if self.unused:
            raise ConfigError(f"{self.where}: unknown field(s) {', '.join(sorted(self.unused))}")


def _strict_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    return value


def _printer(entry: _Entry, index: int) -> PrinterConfig:
    common = entry.device(registry.PRINTERS, "escpos", entry.get("name", str))
    return PrinterConfig(
        **common,
        kiosk=entry.get("kiosk", str),
        max_job_age_s=entry.get("max_job_age_s", float, PrinterConfig.max_job_age_s),
        retry_s=entry.get("retry_s", float, PrinterConfig.retry_s),
    )


def _screen(entry: _Entry, index: int) -> ScreenConfig:
    window = entry.get("window", int, None)
    zone = entry.get("zone", str, None)
    if window is not None and zone is not None:
        raise entry.error("zone", "a screen shows either one window or one zone, not both")
    shows = f"window-{window}" if window is not None else f"zone-{zone}" if zone else f"hall-{index + 1}"
    common = entry.device(registry.SCREENS, None, entry.get("name", str, f"led-{shows}"))
    rows = entry.get("rows", int, ScreenConfig.rows)
    if rows < 1:
        raise entry.error("rows", "must be at least 1")
    flash_s = entry.get("flash_s", float, ScreenConfig.flash_s)
    return ScreenConfig(**common, window=window, zone=zone, rows=rows, flash_s=flash_s)


def _keypad(entry: _Entry, index: int) -> KeypadConfig:
    common = entry.device(registry.KEYPADS, None, entry.get("name", str, f"keypad-{index + 1}"))
    windows = entry.int_map("windows", None)
    if not windows:
        raise entry.error("windows", "maps bus addresses to window numbers, e.g. { 1 = 1, 2 = 2 }")
    ratings = entry.int_map("ratings", DEFAULT_RATINGS)
    if not all(1 <= level <= 5 for level in ratings.values()):
        raise entry.error("ratings", "levels are 1 (非常不满意) to 5 (非常满意)")
    reasons = entry.get("bad_reasons", list, list(KeypadConfig.bad_reasons))
    if not reasons or not all(isinstance(r, str) for r in reasons):
        raise entry.error("bad_reasons", "must be a non-empty list of strings")
    return KeypadConfig(
        **common, windows=windows, ratings=ratings, bad_reasons=tuple(reasons),
        pause_reason=entry.get("pause_reason", str, KeypadConfig.pause_reason),
    )


def _card_reader(entry: _Entry, index: int) -> CardReaderConfig:
    common = entry.device(registry.CARD_READERS, "gat467", entry.get("name", str, f"card-reader-{index + 1}"))
    return CardReaderConfig(**common, kiosk=entry.get("kiosk", str), category=entry.get("category", str, None))


SECTIONS = {"printers": _printer, "led_screens": _screen, "keypads": _keypad, "card_readers": _card_reader}


def load(path: str | Path) -> AgentConfig:
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    unknown = set(document) - set(SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))} (known: {', '.join(SECTIONS)})")
    sections = {}
    for section, build in SECTIONS.items():
        entries = document.get(section, [])
        if not isinstance(entries, list):
            raise ConfigError(f"{path}: {section} must be written [[{section}]]")
        built = []
        for index, table in enumerate(entries):
            entry = _Entry(path, section, index, table)
            device = build(entry, index)
            _check_connection(entry, device)
            entry.finish()
            built.append(device)
        sections[section] = tuple(built)
    config = AgentConfig(sections["printers"], sections["led_screens"], sections["keypads"], sections["card_readers"])
    _check_unique_names(path, config)
    return config


def _check_connection(entry: _Entry, device: Device) -> None:
    try:
        if isinstance(device, PrinterConfig):
            from devices.protocols.escpos_ticket import connection_printer

            connection_printer(device.connection, 1.0)
        else:
            check_link_url(device.connection)
    except ValueError as e:
        raise entry.error("connection", str(e)) from None


def _check_unique_names(path: Path, config: AgentConfig) -> None:
    seen = set()
    for device in config.devices:
        if device.name in seen:
            raise ConfigError(f"{path}: device name {device.name!r} is used twice; names must be unique")
        seen.add(device.name)

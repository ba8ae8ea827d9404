"""The service's settings: one table of every knob (settings_table.py), read into `Settings`.

The table feeds the CLI's `--help`, the settings page of the docs (docs/settings.md, generated
from it by scripts/docs_settings_table.py) and the running service. Values come, strongest first, from
command-line flags, `POS_*` environment variables, a TOML file (`--config` / `POS_CONFIG`) and
the table's defaults; `load` refuses at start the values that would otherwise fail later.
"""

from __future__ import annotations

import os
import re
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from intake_service.contacts import CONTACTS, contact_problem
from intake_service.settings_table import SETTINGS, Setting

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    db: str
    config: str
    host: str
    port: int
    base_url: str
    node: str
    secret_key: str
    synchronous: str
    writer_max_batch: int
    worker: str
    worker_nice: int
    max_body_bytes: int
    rate_limit_key: int
    rate_limit_address: int
    idempotency_ttl: int
    queue_visibility_timeout: float
    queue_max_wait: float
    queue_retention: int
    rate_limit_org: int
    rate_limit_sender: int
    rate_limit_poll: int
    form_min_seconds: float
    form_max_age: int
    media_dir: str
    examples_port: int
    forwarded_allow_ips: str
    forward_max_attempts: int
    forward_backoff: float
    forward_backoff_max: float
    forward_timeout: float
    forward_in_flight: int
    outbox_limit: int
    mail_limit: int
    metrics_token: str
    console_session_idle: int
    console_signin_address: int
    console_signin_account: int
    console_live_per_session: int
    console_live_per_address: int
    console_readers: int
    map_tiles: str
    smtp_host: str
    smtp_port: int
    smtp_ca_file: str
    smtp_security: str
    smtp_user: str
    smtp_password: str
    smtp_timeout: float
    smtp_connect_timeout: float
    support_phone: str
    support_email: str
    support_website: str
    mail_from: str
    maildir: str
    email_confirm_hours: float
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str
    oidc_scopes: str
    deadline_days: str
    holidays_file: str
    retention_years: int
    verdict_days: int
    repeat_days: int
    clarify_days: int
    reply_amqp_url: str
    reply_queue: str
    digest_hour: int
    shutdown_grace: float
    log_level: str
    backup_dir: str
    backup_every: float
    backup_keep: int

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if _BY_NAME[f.name].secret and value:
                value = "**********"
            shown.append(f"{f.name}={value!r}")
        return "Settings(" + ", ".join(shown) + ")"

    def replace(self, **changes: Any) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: _coerce(_BY_NAME[k], v) for k, v in changes.items()})
        return Settings(**values)


class SettingsError(ValueError):
    """A setting's value cannot be used; the message names the setting and its source."""


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    try:
        if kind is int and not isinstance(value, bool):
            return int(value)
        if kind is float:
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        what = {int: "a whole number", float: "a number"}.get(kind, "text")
        raise SettingsError(
            f"{setting.name} ({setting.env}) must be {what}, not {value!r}"
        ) from None


def _check_backup_dir(settings: Settings) -> None:
    """Scheduled backups inside the SQLite store's own folder would die with the disk they
    should outlive (and `pos-intake backup` refuses such a folder): said at start, not at the
    first backup a day later."""
    if not settings.backup_dir or "://" in settings.db:
        return
    folder = Path(settings.backup_dir).resolve()
    store = Path(settings.db).resolve().parent
    if folder == store or folder.is_relative_to(store):
        raise SettingsError(
            f"backup_dir (POS_BACKUP_DIR): {settings.backup_dir} is inside {store}, the store's "
            "own folder: put backups on another disk or at least another folder"
        )


def load(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from defaults < TOML file < environment < `overrides` (non-None values only)."""
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}

    config_path = overrides.get("config") or environ.get("POS_CONFIG", "")
    if config_path:
        path = Path(config_path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
        for key, value in data.items():
            if key not in _BY_NAME or isinstance(value, dict):
                continue  # tables ([org.*], [sinks]) belong to other parts of the config
            values[key] = value
        values["config"] = str(path)

    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name] = environ[setting.env]
    values.update({k: v for k, v in overrides.items() if k in _BY_NAME})

    settings = Settings(**{s.name: _coerce(s, values[s.name]) for s in SETTINGS})
    if settings.synchronous.upper() not in {"FULL", "NORMAL", "EXTRA"}:
        raise SettingsError("synchronous (POS_SYNCHRONOUS) must be FULL, NORMAL or EXTRA")
    if settings.worker not in ("process", "inline"):
        raise SettingsError("worker (POS_WORKER) must be process or inline")
    if not 0 <= settings.worker_nice <= 19:
        raise SettingsError("worker_nice (POS_WORKER_NICE) must be 0 to 19")
    if settings.retention_years < 0:
        raise SettingsError(
            "retention_years (POS_RETENTION_YEARS) must be 0 (keep for ever) or more years"
        )
    if settings.queue_retention < 1:
        raise SettingsError(
            "queue_retention (POS_QUEUE_RETENTION) must be at least 1 second: messages nobody "
            "acknowledges must expire, or a queue nobody reads grows without bound"
        )
    if not settings.backup_every >= 1:  # NaN fails here too
        raise SettingsError("backup_every (POS_BACKUP_EVERY) must be at least 1 second")
    if settings.backup_keep < 1:
        raise SettingsError("backup_keep (POS_BACKUP_KEEP) must be at least 1")
    _check_backup_dir(settings)
    if not 0 <= settings.shutdown_grace <= 3600:  # NaN fails here too
        raise SettingsError("shutdown_grace (POS_SHUTDOWN_GRACE) must be 0 to 3600 seconds")
    if settings.smtp_security not in ("starttls", "tls", "none"):
        raise SettingsError("smtp_security (POS_SMTP_SECURITY) must be starttls, tls or none")
    if settings.smtp_ca_file:
        try:
            ssl.create_default_context(cafile=settings.smtp_ca_file)
        except (ssl.SSLError, OSError) as exc:
            raise SettingsError(
                f"smtp_ca_file (POS_SMTP_CA_FILE): {settings.smtp_ca_file} is not a readable "
                f"PEM file of certificates ({exc})"
            ) from None
    for kind in CONTACTS:
        value = getattr(settings, f"support_{kind}").strip()
        if value and (problem := contact_problem(kind, value)):
            raise SettingsError(f"support_{kind} (POS_SUPPORT_{kind.upper()}): {problem}")
    if settings.deadline_days not in ("working", "calendar"):
        raise SettingsError("deadline_days (POS_DEADLINE_DAYS) must be working or calendar")
    if not re.fullmatch(r"[A-Za-z0-9]{0,4}", settings.node):
        raise SettingsError("node (POS_NODE) must be up to 4 Latin letters or digits, e.g. B or N2")
    if settings.map_tiles and not re.fullmatch(
        r"https?://[A-Za-z0-9.\-]+(:[0-9]+)?/[^\s\"'<>]*\{z\}[^\s\"'<>]*", settings.map_tiles
    ):
        raise SettingsError(
            "map_tiles (POS_MAP_TILES) must be an http(s) tile URL with {z}, {x} and {y}, e.g. "
            "https://tiles.example.ru/{z}/{x}/{y}.png"
        )
    return settings


def help_table() -> str:
    """The settings as text, for `pos-intake serve --help` and the README."""
    lines = []
    for s in SETTINGS:
        default = "(empty)" if s.default == "" else s.default
        lines.append(f"  {s.env:<30} {s.help} Default: {default}.")
    return "\n".join(lines)

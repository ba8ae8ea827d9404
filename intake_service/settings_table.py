"""The table of settings: every knob the service has, its default and what it is for, in one
tuple — the order `--help` and the docs' settings page show them in.

Apart from settings.py, which reads the values into `Settings` and checks them, so that a new
setting is one entry here (and one field there) and the long table does not hide the loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    secret: bool = False

    @property
    def env(self) -> str:
        return "POS_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        "pos-intake.db",
        "Path of the SQLite database file, or a `postgresql://` URL: several nodes on one "
        "PostgreSQL database share everything (docs/nodes.md).",
    ),
    Setting("config", "", "Path of a TOML file with settings (keys are the names in this table)."),
    Setting("host", "127.0.0.1", "Address the HTTP server listens on."),
    Setting("port", 8000, "Port the HTTP server listens on."),
    Setting(
        "base_url",
        "",
        "Public URL of the service, used in tracking links, e-mail links and snippets; "
        "empty means the URL the request came in on (e-mail links never do: they take the "
        "listening address, and `serve` with `POS_SMTP_HOST` set refuses to start without it).",
    ),
    Setting(
        "node",
        "",
        "This node's name in appeal numbers (DEMO-2026-B-000123) when several intake nodes serve "
        "the same organisations, each with its own SQLite file; up to 4 letters or digits "
        "(on a shared PostgreSQL the numbers need none and carry none).",
    ),
    Setting(
        "secret_key",
        "",
        "Key that signs tracking links and form tokens; empty means one generated once and "
        "kept in the database.",
        secret=True,
    ),
    Setting(
        "synchronous",
        "FULL",
        "SQLite synchronous mode of the writer: FULL survives power loss, NORMAL only a crash.",
    ),
    Setting("writer_max_batch", 256, "Most writes the single writer commits in one transaction."),
    Setting(
        "worker",
        "process",
        "Where the background work runs — the citizens' e-mails rendered and sent, the search "
        "index kept, the periods, digests and retention: `process` in a worker process `serve` "
        "starts beside the web process (and starts again if it dies), so none of it takes the "
        "core appeals are answered on; `inline` in the web process itself, one process in all "
        "(`serve --inline`; for tiny installs).",
    ),
    Setting(
        "worker_nice",
        10,
        "Niceness the worker process runs at (0 to 19): with the web process on the same core, "
        "an appeal's answer goes first and the e-mails and the index follow in the time it "
        "leaves; 0 shares the core evenly.",
    ),
    Setting("max_body_bytes", 65536, "Largest JSON request body accepted, in bytes."),
    Setting(
        "rate_limit_key",
        600,
        "Requests a minute allowed per API key (burst of the same size); 0 turns it off.",
    ),
    Setting(
        "rate_limit_address",
        600,
        "Requests a minute allowed per client address (burst of the same size); 0 turns it off.",
    ),
    Setting(
        "idempotency_ttl",
        86400,
        "Seconds an Idempotency-Key is remembered.",
    ),
    Setting(
        "queue_visibility_timeout",
        30.0,
        "Seconds a pulled queue message stays invisible before it is delivered again.",
    ),
    Setting("queue_max_wait", 20.0, "Longest long-poll wait of the queue pull, in seconds."),
    Setting(
        "queue_retention",
        1209600,
        "Seconds a message waits in the embedded queue for its acknowledgement before it expires "
        "(an `expired` event; the appeal itself is kept); at least 1, default 14 days.",
    ),
    Setting(
        "rate_limit_org",
        600,
        "Form submissions a minute allowed per organisation (burst of the same size); 0 turns it off.",
    ),
    Setting(
        "rate_limit_sender",
        10,
        "Appeals a minute one address (an IPv6 /64) may file through one organisation's form, so "
        "that a few addresses cannot spend the organisation's budget; 0 turns it off.",
    ),
    Setting(
        "rate_limit_poll",
        5,
        "Ballots and comments a minute one address (an IPv6 /64) may send to one poll: one vote "
        "per browser is all the 'anyone' level can ask, so a flood from one address stops here; "
        "0 turns it off.",
    ),
    Setting(
        "form_min_seconds",
        3.0,
        "Fewer seconds than this between opening the form and sending it is refused as a robot.",
    ),
    Setting(
        "form_max_age",
        7200,
        "Seconds a form's token stays valid; the open form renews it by itself (for up to a day).",
    ),
    Setting(
        "media_dir",
        "",
        "Folder for photos of appeals; empty means a folder named after the SQLite file, beside "
        "it (on PostgreSQL: `pos-intake-media` in the working folder — nodes must share it).",
    ),
    Setting(
        "examples_port",
        0,
        "Port `pos-intake demo` serves the example host pages on; 0 means the service port + 1.",
    ),
    Setting(
        "forwarded_allow_ips",
        "127.0.0.1",
        "Proxies trusted to set X-Forwarded-For (comma-separated, '*' for any).",
    ),
    Setting(
        "forward_max_attempts",
        12,
        "Deliveries tried per appeal and sink (RabbitMQ, webhook) before it is marked dead.",
    ),
    Setting(
        "forward_backoff",
        1.0,
        "Seconds before the first retry of a failed delivery; doubled each time, with jitter.",
    ),
    Setting("forward_backoff_max", 300.0, "Longest wait between retries of a delivery, seconds."),
    Setting(
        "forward_timeout",
        5.0,
        "Seconds a broker confirm or a webhook answer may take before the delivery counts failed.",
    ),
    Setting(
        "forward_in_flight",
        256,
        "Most deliveries the forwarder has in flight at once (their confirms awaited together).",
    ),
    Setting(
        "outbox_limit",
        100000,
        "Undelivered appeals waiting for external sinks (RabbitMQ, webhooks) above which intake "
        "answers 503; e-mails waiting for the SMTP server never count here (`POS_MAIL_LIMIT`).",
    ),
    Setting(
        "mail_limit",
        10000,
        "E-mails waiting for the SMTP server above which /readyz says degraded; appeals are "
        "never refused or slowed for mail.",
    ),
    Setting(
        "metrics_token",
        "",
        "Token a scraper must send as `Authorization: Bearer …` to read /metrics; empty means "
        "/metrics answers only clients on this host (loopback, after proxy headers).",
        secret=True,
    ),
    Setting(
        "console_session_idle",
        7200,
        "Seconds of inactivity after which a console session ends and the operator signs in again.",
    ),
    Setting(
        "console_signin_address",
        10,
        "Console sign-in attempts allowed per client address per minute (0 turns the limit off).",
    ),
    Setting(
        "console_signin_account",
        5,
        "Failed console sign-ins of one account after which it is locked for 15 minutes.",
    ),
    Setting(
        "console_live_per_session",
        8,
        "Live streams (the log's live tail, the board) one console session may hold open at "
        "once — a few tabs; one more is refused with 429 (0 turns the cap off).",
    ),
    Setting(
        "console_live_per_address",
        100,
        "Live streams one client address (IPv6: one /64) may hold open at once, whatever the "
        "sessions; raise it for a large office behind one address (0 turns the cap off).",
    ),
    Setting(
        "console_readers",
        2,
        "Threads with their own read connection that run the console's slow queries (search, "
        "statistics, the board, exports) off the event loop.",
    ),
    Setting(
        "map_tiles",
        "",
        "Tile URL of the console map's base layer, e.g. `https://tiles.example.ru/{z}/{x}/{y}.png` "
        "(best your own tile server or proxy: its origin is added to the map page's CSP); empty "
        "draws the districts on a plain background and loads nothing from elsewhere.",
    ),
    Setting(
        "smtp_host",
        "",
        "SMTP server for citizens' notices and operators' digests; empty means mail is written to the maildir instead (`POS_MAILDIR`).",
    ),
    Setting(
        "smtp_port",
        587,
        "Port of the SMTP server.",
    ),
    Setting(
        "smtp_security",
        "starttls",
        "How the SMTP connection is protected: starttls, tls (implicit, port 465) or none (a relay on this host only).",
    ),
    Setting(
        "smtp_ca_file",
        "",
        "PEM file of the certificate authorities to trust for the SMTP server's certificate (an organisation's own CA); empty means the system's. Certificates are always checked.",
    ),
    Setting(
        "smtp_user",
        "",
        "User name for SMTP authentication; empty means none.",
    ),
    Setting(
        "smtp_password",
        "",
        "Password for SMTP authentication.",
        secret=True,
    ),
    Setting(
        "smtp_timeout",
        60.0,
        "Seconds an SMTP exchange may take before the delivery counts failed and is retried; long, so that a slow but working server is not sent the same mail twice.",
    ),
    Setting(
        "smtp_connect_timeout",
        10.0,
        "Seconds each step of opening an SMTP connection may take — the TCP connect, the server's greeting, EHLO, TLS, the login — before the mail sink counts failing and the mail is retried; short, since no mail has been handed over yet (a server that accepts and never greets is known within seconds, not `POS_SMTP_TIMEOUT`).",
    ),
    Setting(
        "support_phone",
        "",
        "The service's own phone for citizens, shown where no organisation answers (a site's "
        "ПОС banner with an id no organisation has), e.g. `+7 (4942) 00-00-00`.",
    ),
    Setting("support_email", "", "The service's own e-mail for citizens, shown beside it."),
    Setting("support_website", "", "The service's own website for citizens, https://…"),
    Setting(
        "mail_from",
        "pos-intake@localhost",
        "Sender address of every e-mail, e.g. `Обратная связь <noreply@example.ru>`.",
    ),
    Setting(
        "maildir",
        "",
        "Folder (a Maildir) the mail goes to while no SMTP server is set; empty means a folder "
        "named after the SQLite file, beside it (on PostgreSQL: `pos-intake.mail` in the "
        "working folder).",
    ),
    Setting(
        "email_confirm_hours",
        48.0,
        "Hours an e-mail confirmation link stays valid; an appeal not confirmed by then is dropped.",
    ),
    Setting(
        "oidc_issuer",
        "",
        "Issuer URL of the OpenID Connect identity provider (an ESIA-like IdP); empty means no sign-in, and official appeals fall back to e-mail confirmation.",
    ),
    Setting(
        "oidc_client_id",
        "",
        "Client id of this service at the identity provider.",
    ),
    Setting(
        "oidc_client_secret",
        "",
        "Client secret of this service at the identity provider.",
        secret=True,
    ),
    Setting(
        "oidc_scopes",
        "openid profile email",
        "Scopes asked of the identity provider.",
    ),
    Setting(
        "deadline_days",
        "working",
        "How deadlines count days: working (Monday to Friday, minus the holidays file) or calendar.",
    ),
    Setting(
        "holidays_file",
        "",
        "File of non-working days, one ISO date (2026-01-07) per line, `#` comments; empty means the shipped Russian calendar. A working Saturday is written `+2026-11-07`.",
    ),
    Setting(
        "retention_years",
        5,
        "Years after an appeal is closed that the citizen's personal data in it is kept; then a background job erases it (name, contacts, text, address, photos), keeping what statistics need. 0 keeps it for ever.",
    ),
    Setting(
        "verdict_days",
        14,
        "Days after the answer in which the citizen may say solved or not solved; with no word by then the appeal counts as resolved.",
    ),
    Setting(
        "repeat_days",
        90,
        "Days after the answer in which the citizen may report that the problem is back (a repeat appeal).",
    ),
    Setting(
        "clarify_days",
        3,
        "Days the citizen has to answer an operator's question before the appeal closes as not clarified.",
    ),
    Setting(
        "reply_amqp_url",
        "",
        "RabbitMQ URL of the reply queue on which agencies' systems send statuses and answers; empty means no reply queue.",
    ),
    Setting(
        "reply_queue",
        "pos.replies",
        "Name of the reply queue (declared durable).",
    ),
    Setting(
        "digest_hour",
        8,
        "Hour of the day (organisation's zone) at which operators get the daily digest of overdue appeals; -1 turns it off.",
    ),
    Setting(
        "shutdown_grace",
        20.0,
        "Seconds a stopping service (SIGTERM, Ctrl-C) gives the answers under way — a CSV export, "
        "a slow request — to finish; what is still running then is cut off, which its client "
        "sees as a broken transfer. Queue long-polls and live streams end at once.",
    ),
    Setting("log_level", "info", "Log level of the server: debug, info, warning, error."),
    Setting(
        "backup_dir",
        "",
        "Folder the service writes scheduled backups into (`pos-intake backup`, docs/data.md); "
        "empty means no scheduled backups. It may not be inside the store's own folder.",
    ),
    Setting(
        "backup_every",
        86400.0,
        "Seconds between two scheduled backups (at least 1); the first is taken at start when "
        "the newest one in the folder is older than this.",
    ),
    Setting(
        "backup_keep",
        7,
        "Scheduled backups kept in the folder (at least 1): the oldest beyond this are removed "
        "after each good backup.",
    ),
)

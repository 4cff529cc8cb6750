"""Configuration read from the environment, with a development and a test variant."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Accept the plain `postgresql://` form too and route it to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def development_secret_key(instance_path: Path) -> str:
    """A key generated once into the instance folder, so development sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


class Config:
    """Production defaults; every value can be overridden from the environment."""

    ENV_NAME = os.environ.get("RAPPORT_ENV", "production")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    ORGANISATION_NAME = os.environ.get("RAPPORT_ORGANISATION", "Rapport")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure follows the request (see portal.security); force it behind a TLS-terminating proxy.
    SESSION_COOKIE_SECURE = _flag("RAPPORT_FORCE_SECURE_COOKIES")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    TRUSTED_PROXIES = int(os.environ.get("RAPPORT_TRUSTED_PROXIES", "0"))

    # Single sign-on through the organisation's identity provider (docs/sign-in.md). Off without a discovery URL.
    OIDC_DISCOVERY_URL = os.environ.get("RAPPORT_OIDC_DISCOVERY_URL", "")
    OIDC_CLIENT_ID = os.environ.get("RAPPORT_OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("RAPPORT_OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("RAPPORT_OIDC_SCOPES", "openid email profile")
    OIDC_PROVIDER_NAME = os.environ.get("RAPPORT_OIDC_PROVIDER_NAME", "your organisation's account")
    OIDC_GROUPS_CLAIM = os.environ.get("RAPPORT_OIDC_GROUPS_CLAIM", "groups")
    OIDC_GROUP_ROLES = os.environ.get("RAPPORT_OIDC_GROUP_ROLES", "")  # "group=role; group=role"
    OIDC_GROUP_UNITS = os.environ.get("RAPPORT_OIDC_GROUP_UNITS", "")  # department heads: "group=unit,unit; …"
    # Passwords kept in Rapport: for a break-glass admin and for development. Turn off once SSO works.
    LOCAL_LOGIN = _flag("RAPPORT_LOCAL_LOGIN", default=True)

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long-open form still submits

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = os.environ.get("RAPPORT_LOGIN_RATE_LIMIT", "10 per minute;50 per hour")

    # Imports. Uploads and API bodies above this size are answered with 413.
    MAX_CONTENT_LENGTH = int(os.environ.get("RAPPORT_MAX_UPLOAD_MB", "512")) * 1024 * 1024
    IMPORT_MAX_RECORDS = 10_000  # records per JSON push
    IMPORT_REFUSALS_KEPT = 100_000  # refused rows listed per run (all are counted)
    # A checkpoint commits the rows so far; a failed run resumes after the last one. Each commit rewrites
    # every index page its rows touched (the unique key's are random, so nearly all of them on a large
    # table): measured at 10 million rows, 500,000-row windows made the import 15% slower than these.
    IMPORT_CHECKPOINT_ROWS = int(os.environ.get("RAPPORT_IMPORT_CHECKPOINT_ROWS", "1000000"))
    IMPORT_CHECKPOINT_SECONDS = float(os.environ.get("RAPPORT_IMPORT_CHECKPOINT_SECONDS", "90"))
    # On SQLite an import lets the write-ahead log grow this large before folding it into the database
    # file (see imports/engine.py): keep this much disk free beside the database while importing.
    IMPORT_SQLITE_WAL_MB = int(os.environ.get("RAPPORT_IMPORT_SQLITE_WAL_MB", "4096"))
    # Files at least this large are read and checked in a forked helper process while this one writes.
    IMPORT_PARALLEL_MIN_BYTES = 1024 * 1024
    # A running import that has not committed a checkpoint for this long is taken as dead and can resume.
    IMPORT_STALE_AFTER_SECONDS = int(os.environ.get("RAPPORT_IMPORT_STALE_AFTER_SECONDS", "300"))
    # Raw per-person activity is purged this many months after it happened; the daily rollups stay.
    ACTIVITY_RETENTION_MONTHS = int(os.environ.get("RAPPORT_ACTIVITY_RETENTION_MONTHS", "25"))

    # Health (docs/scoring.md). Survey answers older than this say nothing about today.
    HEALTH_SENTIMENT_STALE_DAYS = int(os.environ.get("RAPPORT_HEALTH_SENTIMENT_STALE_DAYS", "180"))
    # A system whose usage stopped coming for every unit this many days ago is "data stale", not declining.
    HEALTH_FEED_STALE_DAYS = int(os.environ.get("RAPPORT_HEALTH_FEED_STALE_DAYS", "14"))
    HEALTH_ONBOARDING_DAYS = int(os.environ.get("RAPPORT_HEALTH_ONBOARDING_DAYS", "90"))
    # A new stage is taken only once its signal has held this many weeks in a row.
    HEALTH_STAGE_HOLD_PERIODS = int(os.environ.get("RAPPORT_HEALTH_STAGE_HOLD_PERIODS", "3"))
    # After an import or a push, re-score the subscriptions it touched (0 turns it off, e.g. for a bulk load
    # followed by `flask recompute`).
    HEALTH_RESCORE_AFTER_IMPORT = os.environ.get("RAPPORT_HEALTH_RESCORE_AFTER_IMPORT", "1") != "0"
    # Scheduled jobs (`flask scheduler`): cron lines (five fields, or six with seconds first) in this time zone.
    SCHEDULER_TIMEZONE = os.environ.get("RAPPORT_SCHEDULER_TIMEZONE", "UTC")
    JOB_RECOMPUTE_CRON = os.environ.get("RAPPORT_JOB_RECOMPUTE_CRON", "30 2 * * *")
    JOB_PURGE_ACTIVITY_CRON = os.environ.get("RAPPORT_JOB_PURGE_ACTIVITY_CRON", "15 3 * * 0")

    # Risk suggestions (portal/services/risk_suggestions.py): a subscription red at every score of this many
    # weeks suggests a risk, and so does a fall into decline from another stage within these many weeks.
    RISK_SIGNAL_RED_WEEKS = int(os.environ.get("RAPPORT_RISK_SIGNAL_RED_WEEKS", "3"))
    RISK_SIGNAL_STAGE_WEEKS = int(os.environ.get("RAPPORT_RISK_SIGNAL_STAGE_WEEKS", "8"))
    # Mail: the monthly report and the digests. Without an SMTP host, messages go to the outbox folder.
    SMTP_HOST = os.environ.get("RAPPORT_SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("RAPPORT_SMTP_PORT", "587"))
    SMTP_STARTTLS = os.environ.get("RAPPORT_SMTP_STARTTLS", "1") != "0"
    SMTP_USER = os.environ.get("RAPPORT_SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("RAPPORT_SMTP_PASSWORD", "")
    MAIL_FROM = os.environ.get("RAPPORT_MAIL_FROM", "rapport@localhost")
    MAIL_OUTBOX = os.environ.get("RAPPORT_MAIL_OUTBOX", "")  # default: instance/outbox
    JOB_CIO_REPORT_CRON = os.environ.get("RAPPORT_JOB_CIO_REPORT_CRON", "0 6 1 * *")  # the month's first morning
    JOB_DIGEST_CRON = os.environ.get("RAPPORT_JOB_DIGEST_CRON", "0 7 * * 1")  # Monday morning
    JOB_FRESHNESS_CRON = os.environ.get("RAPPORT_JOB_FRESHNESS_CRON", "0 8 * * *")
    # A data feed (usage, tickets, surveys) that has sent nothing for this many days is reported to the admins.
    FRESHNESS_DAYS = int(os.environ.get("RAPPORT_FRESHNESS_DAYS", "3"))
    # The relationship figure's target: distinct people of a unit met in a quarter, per 100 of its users.
    RELATIONSHIP_TARGET_PER_100 = float(os.environ.get("RAPPORT_RELATIONSHIP_TARGET_PER_100", "2"))


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = False  # tests/portal/test_security.py switches it on to prove it guards every form
    # The limiter stays on so its wiring is tested; the suite's many sign-ins stay under this ceiling.
    LOGIN_RATE_LIMIT = "10000 per minute"
    SERVER_NAME = None


def config_for_environment() -> type[Config]:
    return DevelopmentConfig if os.environ.get("RAPPORT_ENV") == "development" else Config


def finalise(config: dict, instance_path: Path) -> None:
    """Fill the values that depend on the instance folder, and refuse unsafe settings."""
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        instance_path.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'rapport.db'}"
    config.setdefault("IMPORT_DIR", str(instance_path / "imports"))  # uploads wait here for the worker
    if not config.get("SECRET_KEY"):
        if config.get("ENV_NAME") != "development":
            raise ConfigError(
                "SECRET_KEY is not set. Set it in the environment (for example "
                "`export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')`), "
                "or set RAPPORT_ENV=development to generate one for local use."
            )
        config["SECRET_KEY"] = development_secret_key(instance_path)
    if config.get("OIDC_DISCOVERY_URL") and not (config.get("OIDC_CLIENT_ID") and config.get("OIDC_CLIENT_SECRET")):
        raise ConfigError(
            "RAPPORT_OIDC_DISCOVERY_URL is set: set RAPPORT_OIDC_CLIENT_ID and RAPPORT_OIDC_CLIENT_SECRET too."
        )
    if not config.get("LOCAL_LOGIN", True) and not config.get("OIDC_DISCOVERY_URL"):
        raise ConfigError(
            "RAPPORT_LOCAL_LOGIN=0 turns passwords off, but no single sign-on is set up: nobody could sign in."
        )

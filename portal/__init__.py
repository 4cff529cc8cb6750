"""Rapport: the IT customer-success portal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from models import db
from portal import access, data_version, database, errors, htmx, security, templating  # noqa: F401 (listeners)
from portal.config import ROOT, config_for_environment, finalise
from portal.extensions import csrf, limiter, login_manager, migrate


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` is a config class or a mapping of overrides (tests)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_for_environment())
    if isinstance(config, dict):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)
    finalise(app.config, Path(app.instance_path))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    htmx.init_app(app)
    access.init_app(app)
    errors.init_app(app)
    from portal.auth import sso

    sso.init_app(app)

    templating.init_app(app)

    from portal.admin import bp as admin_bp
    from portal.api import bp as api_bp
    from portal.auth import bp as auth_bp
    from portal.catalog import bp as catalog_bp
    from portal.main import bp as main_bp
    from portal.portfolio import bp as portfolio_bp
    from portal.reports import bp as reports_bp
    from portal.risks import bp as risks_bp
    from portal.units import bp as units_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(risks_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)

    from portal.cli import register_commands

    register_commands(app)
    return app

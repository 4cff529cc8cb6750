"""Flask extensions, created unbound and initialised in the app factory."""

from authlib.integrations.flask_client import OAuth
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

csrf = CSRFProtect()
migrate = Migrate(render_as_batch=True, compare_type=True)
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Single sign-on: one OpenID Connect client, registered by portal/auth/sso.py when the provider is configured.
oauth = OAuth()

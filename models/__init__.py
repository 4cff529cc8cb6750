"""The SQLAlchemy models, one module per aggregate.

`db` lives here so that models import nothing from `portal/`; the app factory binds it.
"""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

from models.accounts import Account, ApiToken, Role, account_unit  # noqa: E402
from models.activity import (  # noqa: E402
    SurveyAnswer,
    SurveyQuestion,
    Ticket,
    TicketStatus,
    TicketType,
    UsageDaily,
    UsageEvent,
    UsageFeatureDays,
    UsagePersonDays,
)
from models.audit import AuditLog  # noqa: E402
from models.catalog import LicenseModel, Module, System  # noqa: E402
from models.data_version import DataVersion  # noqa: E402
from models.health import Colour, HealthScore, ScoringProfile, Stage, StageTransition  # noqa: E402
from models.imports import (  # noqa: E402
    IdempotentResponse,
    ImportRefusal,
    ImportRun,
    RunSource,
    RunStatus,
    import_run_unit,
)
from models.jobs import JobRun, JobRunStatus, JobTrigger  # noqa: E402
from models.org import Person, PersonRole, Unit  # noqa: E402
from models.plans import (  # noqa: E402
    Goal,
    GoalMeasure,
    GoalProgress,
    PlanComment,
    PlanSide,
    PlanStep,
    ReviewProduced,
    StepStatus,
)
from models.reports import MonthlyReport  # noqa: E402
from models.risks import (  # noqa: E402
    MitigationRoute,
    MitigationStep,
    Probability,
    Risk,
    RiskBucket,
    RiskEvent,
    RiskOutcome,
    RiskReason,
    RiskSource,
    RiskStatus,
    RiskSuggestion,
    SignalKind,
    SuggestionStatus,
)
from models.subscriptions import Subscription  # noqa: E402
from models.touchpoints import Touchpoint, TouchpointKind, touchpoint_person  # noqa: E402

__all__ = [
    "Account",
    "ApiToken",
    "AuditLog",
    "Base",
    "Colour",
    "DataVersion",
    "Goal",
    "GoalMeasure",
    "GoalProgress",
    "HealthScore",
    "IdempotentResponse",
    "ImportRefusal",
    "ImportRun",
    "JobRun",
    "JobRunStatus",
    "JobTrigger",
    "LicenseModel",
    "MitigationRoute",
    "MitigationStep",
    "Module",
    "MonthlyReport",
    "Person",
    "PersonRole",
    "PlanComment",
    "PlanSide",
    "PlanStep",
    "Probability",
    "ReviewProduced",
    "Risk",
    "RiskBucket",
    "RiskEvent",
    "RiskOutcome",
    "RiskReason",
    "RiskSource",
    "RiskStatus",
    "RiskSuggestion",
    "Role",
    "RunSource",
    "RunStatus",
    "ScoringProfile",
    "SignalKind",
    "Stage",
    "StageTransition",
    "StepStatus",
    "Subscription",
    "SuggestionStatus",
    "SurveyAnswer",
    "SurveyQuestion",
    "System",
    "Ticket",
    "TicketStatus",
    "TicketType",
    "Touchpoint",
    "TouchpointKind",
    "Unit",
    "UsageDaily",
    "UsageEvent",
    "UsageFeatureDays",
    "UsagePersonDays",
    "account_unit",
    "db",
    "import_run_unit",
    "touchpoint_person",
]

"""Which demo units use which systems, how widely, and the key action each is expected to perform.

Plain data, no database. Group-wide systems are subscribed per department (one contract covers its teams);
the specialised ones per team, from the team's profile.
"""

from __future__ import annotations

from typing import NamedTuple


class Use(NamedTuple):
    system: str
    share: float = 1.0  # seats as a share of the unit's headcount
    key_action: str | None = None  # a module key of that system
    every_days: int | None = None


DEPARTMENT_USES: tuple[Use, ...] = (
    Use("microsoft-365"),
    Use("servicenow"),
    Use("crowdstrike"),
    Use("knowbe4", key_action="training", every_days=90),
    Use("concur", 0.35, "expense", 30),
)

# Tools a team may pick up on its own; each is present or not depending on the seed.
OPTIONAL_USES: tuple[Use, ...] = (Use("miro", 0.3), Use("confluence", 0.4), Use("power-bi", 0.2), Use("drawio", 0.3))
OPTIONAL_CHANCE = 0.2

TEAM_PROFILES: dict[str, tuple[Use, ...]] = {
    "field_planning": (
        Use("ifs-fsm", 1.0, "monthly_planning", 30),
        Use("quinyx", 1.0, "shift_planning", 14),
        Use("sap-s4hana", 0.3),
        Use("power-bi", 0.5),
    ),
    "field_technicians": (Use("ifs-fsm", 1.0, "work_orders", 7), Use("quinyx", 1.0, "time_reporting", 7)),
    "spare_parts": (Use("sap-s4hana", 0.9, "mm", 7), Use("ifs-fsm", 0.5, "parts_inventory", 14), Use("power-bi", 0.2)),
    "service_contracts": (Use("salesforce", 0.8), Use("sap-s4hana", 0.5, "sd", 30), Use("docusign", 0.4)),
    "procurement": (
        Use("coupa", 1.0, "purchase_orders", 7),
        Use("sap-s4hana", 0.8, "mm", 30),
        Use("power-bi", 0.3),
        Use("docusign", 0.3),
    ),
    "warehouse": (Use("sap-s4hana", 0.35, "ewm", 1), Use("quinyx", 1.0, "shift_planning", 14)),
    "transport": (Use("sap-s4hana", 0.9, "sd", 7), Use("power-bi", 0.4)),
    "facilities": (Use("m-files", 0.6), Use("sap-s4hana", 0.2, "pm", 30), Use("power-bi", 0.3)),
    "energy": (Use("power-bi", 0.8, "dashboards", 30), Use("m-files", 0.5)),
    "assembly": (
        Use("opcenter", 0.6, "shop_floor_control", 1),
        Use("quinyx", 1.0, "shift_planning", 14),
        Use("sap-s4hana", 0.05),
    ),
    "production_planning": (
        Use("sap-s4hana", 1.0, "pp", 7),
        Use("opcenter", 0.8, "production_orders", 7),
        Use("power-bi", 0.6),
    ),
    "maintenance": (Use("sap-s4hana", 0.8, "pm", 7), Use("opcenter", 0.4, "oee_analytics", 30), Use("m-files", 0.4)),
    "quality": (
        Use("opcenter", 0.6, "quality_inspection", 7),
        Use("sap-s4hana", 0.5, "qm", 30),
        Use("m-files", 0.8, "quality_documents", 30),
        Use("power-bi", 0.4),
    ),
    "key_accounts": (Use("salesforce", 1.0, "forecasting", 7), Use("power-bi", 0.5), Use("docusign", 0.5)),
    "inside_sales": (Use("salesforce", 1.0, "opportunities", 7), Use("hubspot", 0.3)),
    "sales_ops": (
        Use("salesforce", 1.0, "reports", 7),
        Use("power-bi", 1.0, "reports", 7),
        Use("sap-s4hana", 0.5, "sd", 30),
    ),
    "marketing": (Use("hubspot", 1.0, "campaigns", 14), Use("adobe-cc", 0.6), Use("salesforce", 0.3), Use("miro", 0.5)),
    "contact_centre": (
        Use("zendesk", 1.0, "tickets", 1),
        Use("quinyx", 1.0, "shift_planning", 14),
        Use("salesforce", 0.2),
    ),
    "complaints": (Use("zendesk", 1.0, "tickets", 1), Use("sap-s4hana", 0.4, "sd", 7), Use("m-files", 0.4)),
    "payables": (Use("coupa", 1.0, "invoicing", 7), Use("sap-s4hana", 1.0, "fi", 7), Use("power-bi", 0.4)),
    "reporting": (Use("lucanet", 1.0, "consolidation", 30), Use("sap-s4hana", 1.0, "fi", 30), Use("power-bi", 0.8)),
    "controlling": (
        Use("sap-s4hana", 1.0, "co", 30),
        Use("lucanet", 0.6, "planning", 90),
        Use("power-bi", 1.0, "dashboards", 7),
    ),
    "risk": (Use("archer", 1.0, "loss_events", 30), Use("power-bi", 0.6), Use("m-files", 0.5)),
    "audit": (Use("archer", 1.0, "audit_management", 90), Use("m-files", 0.5)),
    "compliance": (Use("archer", 1.0, "policy_management", 90), Use("docusign", 0.5), Use("m-files", 0.7)),
    "treasury": (Use("kyriba", 1.0, "cash_management", 1), Use("sap-s4hana", 1.0, "fi", 30)),
    "payroll": (Use("workday", 1.0, "payroll", 30), Use("sap-s4hana", 0.3, "fi", 30)),
    "hr_services": (Use("workday", 1.0, "core_hcm", 7), Use("docusign", 0.6)),
    "recruitment": (Use("workday", 1.0, "recruiting", 7), Use("docusign", 0.5)),
    "learning": (Use("moodle", 1.0, "courses", 30), Use("workday", 1.0, "learning", 30)),
    "mechanical_design": (Use("teamcenter", 1.0, "change_management", 14), Use("jira", 0.4), Use("confluence", 0.6)),
    "software": (Use("jira", 1.0, "backlog", 14), Use("confluence", 1.0), Use("teamcenter", 0.3), Use("drawio", 0.5)),
    "test_lab": (Use("teamcenter", 0.5, "requirements", 30), Use("jira", 0.8), Use("m-files", 0.4)),
    "certification": (Use("m-files", 1.0, "workflows", 30), Use("teamcenter", 0.4), Use("docusign", 0.5)),
    "service_desk": (Use("confluence", 1.0, "pages", 7), Use("power-bi", 0.3), Use("drawio", 0.5)),
    "network": (Use("drawio", 1.0), Use("confluence", 0.8), Use("jira", 0.5)),
    "erp_centre": (Use("sap-s4hana", 1.0), Use("jira", 1.0, "backlog", 14), Use("confluence", 1.0)),
    "data": (Use("power-bi", 1.0, "dataflows", 7), Use("jira", 0.8), Use("confluence", 0.8)),
}

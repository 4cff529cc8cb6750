"""The demo company's IT systems catalog: what IT runs, who sells it, what a seat costs a year (EUR).

Plain data, no database. Site licences carry the internal charge-back rate per seat, so a unit's share
of the enterprise agreement still shows up as money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SystemSpec:
    key: str
    name: str
    category: str
    vendor: str
    license_model: str  # per_seat | site | free
    seat_cost: str | None
    description: str
    modules: tuple[tuple[str, str, bool], ...]  # (key, name, core)

    @property
    def seat_cost_amount(self) -> Decimal | None:
        return Decimal(self.seat_cost) if self.seat_cost is not None else None


S = SystemSpec
SYSTEMS: tuple[SystemSpec, ...] = (
    S("sap-s4hana", "SAP S/4HANA", "ERP", "SAP", "per_seat", "1850.00",
      "The group ERP: finance, purchasing, sales orders, production and maintenance on one ledger.",
      (("fi", "Financial Accounting", True), ("co", "Controlling", True), ("mm", "Materials Management", True),
       ("sd", "Sales and Distribution", False), ("pp", "Production Planning", False),
       ("pm", "Plant Maintenance", False), ("qm", "Quality Management", False),
       ("ewm", "Extended Warehouse Management", False))),
    S("salesforce", "Salesforce Sales Cloud", "CRM", "Salesforce", "per_seat", "1980.00",
      "Customer accounts, opportunities and the weekly sales forecast.",
      (("accounts", "Accounts & Contacts", True), ("opportunities", "Opportunities", True),
       ("forecasting", "Forecasting", False), ("cpq", "Configure, Price, Quote", False),
       ("reports", "Reports & Dashboards", False))),
    S("workday", "Workday HCM", "HR", "Workday", "per_seat", "480.00",
      "Employee records, absence, payroll, recruiting and learning for the whole group.",
      (("core_hcm", "Core HCM", True), ("absence", "Absence Management", True), ("payroll", "Payroll", False),
       ("recruiting", "Recruiting", False), ("learning", "Learning", False),
       ("talent", "Talent & Performance", False), ("compensation", "Compensation", False))),
    S("concur", "SAP Concur", "Finance", "SAP Concur", "per_seat", "110.00",
      "Travel booking and expense reports, approved on the phone.",
      (("expense", "Expense", True), ("travel", "Travel", False), ("request", "Travel Request", False),
       ("invoice", "Invoice", False))),
    S("power-bi", "Microsoft Power BI", "BI", "Microsoft", "per_seat", "130.00",
      "Self-service reports and dashboards on the data warehouse.",
      (("reports", "Reports", True), ("dashboards", "Dashboards", True), ("dataflows", "Dataflows", False),
       ("paginated_reports", "Paginated Reports", False), ("ai_insights", "AI Insights", False))),
    S("microsoft-365", "Microsoft 365 E3", "Collaboration", "Microsoft", "per_seat", "430.00",
      "Mail, calendars, Teams meetings and chat, SharePoint and OneDrive for every employee.",
      (("outlook", "Outlook", True), ("teams", "Teams", True), ("sharepoint", "SharePoint", True),
       ("onedrive", "OneDrive", False), ("planner", "Planner", False), ("forms", "Forms", False))),
    S("servicenow", "ServiceNow Employee Center", "Service desk", "ServiceNow", "site", "26.00",
      "The IT self-service portal: report an incident, order from the catalog, read the knowledge base. "
      "Enterprise agreement, charged back per employee.",
      (("incident", "Incident", True), ("request_catalog", "Request Catalog", True), ("knowledge", "Knowledge", False),
       ("virtual_agent", "Virtual Agent", False), ("approvals", "Approvals", False))),
    S("ifs-fsm", "IFS Field Service Management", "Scheduling", "IFS", "per_seat", "1150.00",
      "Work orders, dispatch and the monthly capacity plan for the field technicians.",
      (("work_orders", "Work Orders", True), ("dispatch", "Dispatch Console", True),
       ("monthly_planning", "Monthly Capacity Planning", True), ("mobile_app", "Mobile Work Order", False),
       ("parts_inventory", "Parts & Inventory", False),
       ("scheduling_optimisation", "Scheduling Optimisation", False))),
    S("quinyx", "Quinyx", "Scheduling", "Quinyx", "per_seat", "72.00",
      "Shift planning and time reporting for plants, warehouses and the contact centre.",
      (("shift_planning", "Shift Planning", True), ("time_reporting", "Time Reporting", True),
       ("demand_forecasting", "Demand Forecasting", False), ("mobile_app", "Mobile App", False),
       ("leave_requests", "Leave Requests", False))),
    S("m-files", "M-Files", "Document management", "M-Files", "per_seat", "390.00",
      "Controlled documents: drawings, procedures and quality records with version history.",
      (("vault", "Document Vault", True), ("workflows", "Workflows", True),
       ("quality_documents", "Quality Documents", False), ("e_signatures", "Electronic Signatures", False),
       ("external_sharing", "External Sharing", False))),
    S("docusign", "DocuSign eSignature", "Document management", "DocuSign", "per_seat", "360.00",
      "Contracts and HR documents signed electronically.",
      (("esignature", "eSignature", True), ("templates", "Templates", False), ("bulk_send", "Bulk Send", False),
       ("clm", "Contract Lifecycle Management", False))),
    S("jira", "Jira Software", "Project management", "Atlassian", "per_seat", "96.00",
      "Backlogs and boards for engineering and IT projects.",
      (("boards", "Boards", True), ("backlog", "Backlog", True), ("roadmaps", "Roadmaps", False),
       ("automation", "Automation", False), ("reports", "Reports", False))),
    S("confluence", "Confluence", "Collaboration", "Atlassian", "per_seat", "72.00",
      "Team wikis, specifications and meeting notes.",
      (("spaces", "Spaces", True), ("pages", "Pages", True), ("whiteboards", "Whiteboards", False),
       ("analytics", "Analytics", False))),
    S("miro", "Miro", "Collaboration", "Miro", "per_seat", "120.00",
      "Online whiteboards for workshops and planning sessions.",
      (("boards", "Boards", True), ("templates", "Templates", False), ("diagramming", "Diagramming", False),
       ("workshops", "Workshop Facilitation", False))),
    S("adobe-cc", "Adobe Creative Cloud", "Design", "Adobe", "per_seat", "840.00",
      "Design, layout and video tools for marketing material.",
      (("photoshop", "Photoshop", True), ("illustrator", "Illustrator", True), ("indesign", "InDesign", False),
       ("premiere_pro", "Premiere Pro", False), ("acrobat_pro", "Acrobat Pro", False))),
    S("hubspot", "HubSpot Marketing Hub", "Marketing", "HubSpot", "per_seat", "1080.00",
      "Campaigns, e-mail marketing, landing pages and lead scoring.",
      (("campaigns", "Campaigns", True), ("email", "E-mail Marketing", True), ("landing_pages", "Landing Pages", False),
       ("lead_scoring", "Lead Scoring", False), ("analytics", "Analytics", False))),
    S("coupa", "Coupa Procurement", "Procurement", "Coupa", "per_seat", "540.00",
      "Requisitions, purchase orders and supplier invoices, from request to payment.",
      (("requisitions", "Requisitions", True), ("purchase_orders", "Purchase Orders", True),
       ("invoicing", "Invoicing", True), ("supplier_portal", "Supplier Portal", False),
       ("contracts", "Contracts", False), ("spend_analytics", "Spend Analytics", False))),
    S("kyriba", "Kyriba", "Finance", "Kyriba", "per_seat", "2600.00",
      "Cash positions, payments and bank connectivity for group treasury.",
      (("cash_management", "Cash Management", True), ("payments", "Payments", True),
       ("bank_connectivity", "Bank Connectivity", True), ("fx_risk", "FX Risk Management", False),
       ("cash_forecasting", "Cash Forecasting", False))),
    S("lucanet", "LucaNet", "Finance", "LucaNet", "per_seat", "1400.00",
      "Group consolidation, budgeting and the monthly management report.",
      (("consolidation", "Consolidation", True), ("financial_reporting", "Financial Reporting", True),
       ("planning", "Planning", False), ("disclosure", "Disclosure Management", False))),
    S("archer", "Archer GRC", "Risk & compliance", "Archer", "per_seat", "1750.00",
      "The operational risk register, loss events, control testing, policies and audits.",
      (("risk_register", "Risk Register", True), ("loss_events", "Loss Events", True),
       ("controls_testing", "Controls Testing", False), ("policy_management", "Policy Management", False),
       ("audit_management", "Audit Management", False), ("issues_management", "Issues Management", False))),
    S("crowdstrike", "CrowdStrike Falcon", "Security", "CrowdStrike", "site", "62.00",
      "Endpoint protection on every laptop and server. Enterprise agreement, charged back per employee.",
      (("prevent", "Falcon Prevent", True), ("insight_edr", "Falcon Insight EDR", True),
       ("device_control", "Device Control", False), ("spotlight", "Vulnerability Management", False),
       ("identity_protection", "Identity Protection", False))),
    S("knowbe4", "KnowBe4 Security Awareness", "Security", "KnowBe4", "site", "19.00",
      "Security awareness training and phishing simulations. Enterprise agreement, charged back per employee.",
      (("training", "Training", True), ("phishing_simulation", "Phishing Simulation", True),
       ("reporting", "Reporting", False), ("policy_acknowledgement", "Policy Acknowledgement", False))),
    S("teamcenter", "Siemens Teamcenter", "Engineering", "Siemens", "per_seat", "3400.00",
      "Product lifecycle management: bills of materials, engineering changes, CAD data.",
      (("bom_management", "BOM Management", True), ("change_management", "Change Management", True),
       ("cad_integration", "CAD Integration", True), ("requirements", "Requirements", False),
       ("visualization", "Visualization", False))),
    S("opcenter", "Siemens Opcenter Execution", "Manufacturing", "Siemens", "per_seat", "1200.00",
      "The manufacturing execution system: production orders, shop-floor control, traceability.",
      (("production_orders", "Production Orders", True), ("shop_floor_control", "Shop Floor Control", True),
       ("quality_inspection", "Quality Inspection", False), ("traceability", "Traceability", False),
       ("oee_analytics", "OEE Analytics", False))),
    S("zendesk", "Zendesk Suite", "Customer service", "Zendesk", "per_seat", "1380.00",
      "Customer tickets by e-mail, chat and phone, with the public help centre.",
      (("tickets", "Tickets", True), ("messaging", "Messaging", True), ("help_center", "Help Center", False),
       ("voice", "Voice", False), ("analytics", "Analytics", False))),
    S("moodle", "Moodle", "Learning", "Moodle (open source)", "free", None,
      "The in-house learning platform: courses, quizzes and certificates. Self-hosted, no licence fee.",
      (("courses", "Courses", True), ("quizzes", "Quizzes", False), ("certificates", "Certificates", False),
       ("reports", "Reports", False))),
    S("drawio", "draw.io", "Collaboration", "JGraph", "free", None,
      "Diagrams for networks, processes and architecture. Free, runs in the browser.",
      (("diagrams", "Diagrams", True), ("confluence_integration", "Confluence Integration", False),
       ("templates", "Templates", False))),
)  # fmt: skip

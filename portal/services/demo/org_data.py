"""The demo company's organisation: an industrial group headquartered in Sweden, with sites across Europe
and a US sales office.

Plain data, no database. Unit keys are derived from these names, so they stay the same for every seed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitSpec:
    """A unit and what sits below it. `None` means "as the parent" for country, quiet periods and manager."""

    name: str
    staff: int  # people directly in this unit (for a team: the whole team)
    profile: str | None = None  # teams: what they use, a key of subscription_data.TEAM_PROFILES
    country: str | None = None
    quiet: str | None = None
    manager: int | None = None  # index into ACCOUNT_MANAGERS
    children: tuple[UnitSpec, ...] = ()


@dataclass(frozen=True)
class Staffer:
    name: str
    email: str


ADMIN = Staffer("Maja Holm", "admin@demo.example")
CIO = Staffer("Henrik Sandberg", "cio@demo.example")
# The first one owns Operations, home of the technician-scheduling team whose head is a printed account.
ACCOUNT_MANAGERS = (
    Staffer("Anna Lindqvist", "anna.lindqvist@demo.example"),
    Staffer("Jonas Weber", "jonas.weber@demo.example"),
    Staffer("Claire Dubois", "claire.dubois@demo.example"),
    Staffer("Tom Whitfield", "tom.whitfield@demo.example"),
    Staffer("Marta Kowalska", "marta.kowalska@demo.example"),
    Staffer("Daan de Vries", "daan.devries@demo.example"),
)
# The unit whose head gets a printed password: it has a key action to miss (the monthly planning).
PRINTED_HEAD_UNIT = "technician-scheduling"

# Swedish sites go quiet over the industrial summer holiday; plants shut down over the year end.
SWEDISH_SUMMER = "07-01..08-15"
SWEDISH_OFFICE_SUMMER = "07-08..08-04"
YEAR_END = "12-22..01-02"

U = UnitSpec
ORGANISATION: tuple[UnitSpec, ...] = (
    U(
        "Operations",
        6,
        country="SE",
        quiet="",
        manager=0,
        children=(
            U(
                "Field Service",
                8,
                quiet=SWEDISH_SUMMER,
                children=(
                    U("Technician Scheduling", 46, "field_planning"),
                    U("Field Technicians North", 210, "field_technicians"),
                    U("Field Technicians South", 185, "field_technicians"),
                    U("Spare Parts Logistics", 64, "spare_parts"),
                    U("Service Contracts", 38, "service_contracts"),
                ),
            ),
            U(
                "Supply Chain",
                7,
                country="DE",
                manager=1,
                children=(
                    U("Procurement", 72, "procurement"),
                    U("Warehouse Operations", 240, "warehouse", country="PL", quiet=YEAR_END),
                    U("Transport Planning", 55, "transport", country="PL"),
                ),
            ),
            U(
                "Facilities",
                4,
                quiet=SWEDISH_SUMMER,
                children=(
                    U("Workplace Services", 42, "facilities"),
                    U("Energy & Sustainability", 18, "energy"),
                ),
            ),
        ),
    ),
    U(
        "Manufacturing",
        5,
        country="DE",
        quiet=YEAR_END,
        manager=1,
        children=(
            U(
                "Production",
                10,
                children=(
                    U("Assembly", 420, "assembly"),
                    U("Production Planning", 58, "production_planning"),
                    U("Maintenance Engineering", 96, "maintenance"),
                ),
            ),
            U(
                "Gdańsk Plant",
                8,
                country="PL",
                manager=4,
                children=(
                    U("Machining", 310, "assembly"),
                    U("Plant Engineering", 74, "maintenance"),
                ),
            ),
            U(
                "Quality",
                4,
                children=(
                    U("Quality Assurance", 88, "quality"),
                    U("Supplier Quality", 36, "quality"),
                ),
            ),
        ),
    ),
    U(
        "Sales & Marketing",
        6,
        country="GB",
        quiet="",
        manager=2,
        children=(
            U(
                "Sales Nordics",
                5,
                country="SE",
                quiet=f"{SWEDISH_SUMMER};{YEAR_END}",
                children=(
                    U("Key Accounts Nordics", 34, "key_accounts"),
                    U("Inside Sales Nordics", 28, "inside_sales"),
                ),
            ),
            U(
                "Sales DACH",
                5,
                country="DE",
                quiet=YEAR_END,
                children=(
                    U("Key Accounts DACH", 41, "key_accounts"),
                    U("Channel Partners", 22, "inside_sales"),
                ),
            ),
            U(
                "Sales North America",
                6,
                country="US",
                quiet="12-24..01-01",
                manager=3,
                children=(
                    U("Enterprise Sales US", 48, "key_accounts"),
                    U("Sales Operations", 19, "sales_ops"),
                ),
            ),
            U(
                "Marketing",
                5,
                quiet=YEAR_END,
                children=(
                    U("Digital Marketing", 31, "marketing"),
                    U("Product Marketing", 17, "marketing"),
                ),
            ),
            U(
                "Customer Care",
                6,
                country="NL",
                manager=5,
                children=(
                    U("Contact Centre", 126, "contact_centre"),
                    U("Complaints & Returns", 24, "complaints"),
                ),
            ),
        ),
    ),
    U(
        "Finance",
        4,
        country="SE",
        quiet="",
        manager=3,
        children=(
            U(
                "Accounting",
                5,
                quiet=SWEDISH_OFFICE_SUMMER,
                children=(
                    U("Accounts Payable", 26, "payables"),
                    U("Financial Reporting", 14, "reporting"),
                ),
            ),
            U(
                "Controlling",
                3,
                quiet=SWEDISH_OFFICE_SUMMER,
                children=(
                    U("Business Controlling", 21, "controlling"),
                    U("Planning & Analysis", 12, "controlling"),
                ),
            ),
            U(
                "Risk & Compliance",
                3,
                country="GB",
                children=(
                    U("Operational Risk", 16, "risk"),
                    U("Internal Audit", 11, "audit"),
                    U("Regulatory Compliance", 9, "compliance"),
                ),
            ),
            U("Treasury", 3, country="NL", children=(U("Cash Management", 8, "treasury"),)),
        ),
    ),
    U(
        "Human Resources",
        4,
        country="SE",
        quiet=SWEDISH_SUMMER,
        manager=4,
        children=(
            U(
                "HR Operations",
                3,
                children=(
                    U("Payroll", 18, "payroll", quiet=SWEDISH_OFFICE_SUMMER),
                    U("HR Services", 27, "hr_services"),
                ),
            ),
            U(
                "Talent",
                2,
                children=(
                    U("Recruitment", 15, "recruitment"),
                    U("Learning & Development", 12, "learning"),
                ),
            ),
        ),
    ),
    U(
        "Research & Development",
        6,
        country="DE",
        quiet=YEAR_END,
        manager=2,
        children=(
            U(
                "Product Engineering",
                6,
                country="FR",
                quiet=f"08-01..08-25;{YEAR_END}",
                children=(
                    U("Mechanical Design", 84, "mechanical_design"),
                    U("Embedded Software", 66, "software"),
                ),
            ),
            U(
                "Test & Validation",
                4,
                children=(
                    U("Test Lab", 52, "test_lab"),
                    U("Certification", 14, "certification"),
                ),
            ),
        ),
    ),
    U(
        "Group IT",
        5,
        country="SE",
        quiet=SWEDISH_OFFICE_SUMMER,
        manager=5,
        children=(
            U(
                "Infrastructure & Operations",
                4,
                children=(
                    U("Service Desk", 34, "service_desk"),
                    U("Network & Workplace", 26, "network"),
                ),
            ),
            U(
                "Enterprise Applications",
                4,
                children=(
                    U("ERP Competence Centre", 22, "erp_centre"),
                    U("Data & Analytics", 17, "data"),
                ),
            ),
        ),
    ),
)

# Names for the unit heads' accounts, by country, so a Polish plant is not run by a "Karin Andersson".
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "SE": (
        ("Erik", "Karin", "Lars", "Sofia", "Johan", "Elin", "Magnus", "Ingrid", "Oskar", "Linnea", "Per", "Ebba"),
        (
            "Andersson",
            "Johansson",
            "Karlsson",
            "Nilsson",
            "Eriksson",
            "Larsson",
            "Olsson",
            "Persson",
            "Svensson",
            "Gustafsson",
            "Bergström",
            "Sjöberg",
            "Lundgren",
            "Åberg",
        ),
    ),
    "DE": (
        ("Lukas", "Anna", "Felix", "Julia", "Matthias", "Katrin", "Stefan", "Sabine", "Jan", "Lena"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Becker", "Hoffmann", "Wagner", "Schäfer", "Koch", "Richter"),
    ),
    "FR": (
        ("Julien", "Camille", "Nicolas", "Élodie", "Thomas", "Chloé", "Antoine", "Margaux"),
        ("Martin", "Bernard", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau", "Fontaine"),
    ),
    "GB": (
        ("James", "Olivia", "Oliver", "Emily", "Harry", "Charlotte", "George", "Amelia"),
        ("Smith", "Taylor", "Brown", "Wilson", "Evans", "Roberts", "Walker", "Hughes"),
    ),
    "US": (
        ("Michael", "Jessica", "Christopher", "Ashley", "David", "Sarah", "Brian", "Megan"),
        ("Johnson", "Williams", "Miller", "Davis", "Garcia", "Rodriguez", "Anderson", "Thompson"),
    ),
    "PL": (
        ("Piotr", "Agnieszka", "Tomasz", "Katarzyna", "Paweł", "Magdalena", "Krzysztof", "Joanna"),
        ("Nowak", "Wójcik", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król", "Wieczorek", "Sikora", "Baran"),
    ),
    "NL": (
        ("Sem", "Lotte", "Bram", "Fleur", "Thijs", "Sanne", "Ruben", "Anouk"),
        ("de Jong", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos"),
    ),
}

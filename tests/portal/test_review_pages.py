"""The success review as a page and as a PDF download, in the viewer's scope; and `flask report review`."""

from __future__ import annotations

import io

from pypdf import PdfReader

from models import Role


def test_a_department_head_reads_and_downloads_their_units_review(client, login_as, make_unit):
    mine = make_unit(key="mine", name="My Unit")
    other = make_unit(key="other", name="Someone Else's Unit")
    login_as(Role.DEPT_HEAD, units=[mine])
    page = client.get("/units/mine/review")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Success review: My Unit" in body and "Executive summary" in body
    assert 'href="/units/mine/review.pdf?from=' in body
    pdf = client.get("/units/mine/review.pdf?from=2026-07-01&to=2026-09-30")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename="success-review-mine-2026-07-01-2026-09-30.pdf"' in pdf.headers["Content-Disposition"]
    assert "My Unit" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert client.get(f"/units/{other.key}/review").status_code == 404
    assert client.get(f"/units/{other.key}/review.pdf").status_code == 404


def test_a_period_that_cannot_be_says_why_and_keeps_the_form(client, login_as, make_unit):
    make_unit(key="mine", name="My Unit")
    login_as(Role.ACCOUNT_MANAGER)
    page = client.get("/units/mine/review?from=2026-09-30&to=2026-07-01")
    body = page.get_data(as_text=True)
    assert page.status_code == 400 and "The period starts (2026-09-30) after it ends (2026-07-01)." in body
    assert 'value="2026-09-30"' in body and "Download PDF" not in body
    assert client.get("/units/mine/review.pdf?from=nonsense").status_code == 400


def test_the_command_writes_the_same_pdf(runner, make_unit, tmp_path):
    make_unit(key="mine", name="My Unit")
    out = tmp_path / "review.pdf"
    done = runner.invoke(
        args=["report", "review", "--unit", "mine", "--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert "Wrote the Q3 2026 review of My Unit" in done.output
    assert "My Unit" in PdfReader(out).pages[0].extract_text()
    unknown = runner.invoke(args=["report", "review", "--unit", "nobody", "--out", str(out)])
    assert unknown.exit_code != 0 and "no unit has the key" in unknown.output
    backwards = runner.invoke(
        args=["report", "review", "--unit", "mine", "--from", "2026-09-30", "--to", "2026-07-01", "--out", str(out)]
    )
    assert backwards.exit_code != 0 and "after it ends" in backwards.output


def test_the_risks_part_of_a_review_is_for_it_only(client, login_as, make_unit):
    mine = make_unit(key="mine", name="My Unit")
    login_as(Role.ACCOUNT_MANAGER)
    assert "Risks and their mitigation" in client.get("/units/mine/review").get_data(as_text=True)
    client.post("/logout")
    login_as(Role.DEPT_HEAD, units=[mine])
    page = client.get("/units/mine/review").get_data(as_text=True)
    assert "Goals, plans and risks" in page and "Risks and their mitigation" not in page

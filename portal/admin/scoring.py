"""Admin pages for the scoring profiles: the weights and thresholds of each lifecycle stage, versioned."""

from __future__ import annotations

from flask import abort, flash, render_template

from models import Account, db
from portal.admin import bp
from portal.admin.common import actor, attempt, see_other
from portal.admin.forms import scoring_profile_form
from portal.services.health import profiles
from portal.services.health.stages import PLAYBOOK, Stage


def _stage_or_404(stage: str) -> Stage:
    try:
        return Stage(stage)
    except ValueError:
        abort(404)


@bp.route("/scoring", endpoint="scoring")
def scoring_index():
    """The profile in force for each stage, and each stage's earlier versions."""
    current = profiles.current_rows()
    db.session.commit()  # the defaults, stored as the first versions on the first visit
    authors = {account.id: account.email for account in db.session.scalars(db.select(Account))}
    return render_template(
        "admin/scoring.html",
        current=current,
        history={stage: profiles.history(stage) for stage in Stage},
        labels=profiles.MEASURE_LABELS,
        playbook=PLAYBOOK,
        authors=authors,
    )


@bp.route("/scoring/<stage>/edit", methods=["GET", "POST"], endpoint="scoring_edit")
def scoring_edit(stage: str):
    """Save a stage's weights and thresholds as its next version; scores follow at the next recompute."""
    chosen = _stage_or_404(stage)
    in_force = profiles.current_rows()[chosen]
    form = scoring_profile_form(in_force)
    if form.validate_on_submit():
        saved, row = attempt(
            form,
            lambda: profiles.save_profile(
                chosen,
                form.weights(),
                form.green_at.data,
                form.yellow_at.data,
                form.min_coverage.data / 100,
                actor(),
                form.note.data or "",
                form.seats_critical_below.data / 100,
            ),
        )
        if saved and row is not None:
            flash(
                f"Saved as version {row.version} of the {chosen.value} profile. Scores use it from the next recompute "
                "(tonight's, or `flask recompute` now).",
                "success",
            )
            return see_other("admin.scoring")
    return render_template(
        "admin/scoring_form.html", form=form, stage=chosen, in_force=in_force, labels=profiles.MEASURE_LABELS
    )

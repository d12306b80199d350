"""One risk screen per note.

A note holds two risk records: the screen in the session details (suicidal and homicidal
ideation: not assessed / denied / present, asked every session) and the structured risk
assessment (presence, plan, intent, means and history per area, protective factors, a level
and the actions taken). They once disagreed — the session details said suicidal ideation
was present while the assessment said no — and both were signed and exported.

The rule now: the screen owns whether suicidal and homicidal ideation are present. The
assessment takes those two answers from it (the editor shows them read only there) and adds
the follow-up questions; self-harm is asked in the assessment alone. Saving keeps them in
step (`NoteService.save`), the editor resolves an older draft's disagreement toward
"present" and says so, and the checklist rule `risk_consistent` blocks signing any note
whose two records still contradict each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from noteapp.domain.notes import RiskAssessment, RiskScreen, ScreenResult

# The areas both records answer: (attribute on RiskScreen and on RiskAssessment, label).
SCREENED_AREAS = (
    ("suicidal_ideation", "Suicidal ideation"),
    ("homicidal_ideation", "Homicidal ideation"),
)
_SCREEN_WORDS = {
    ScreenResult.NOT_ASSESSED: "not assessed",
    ScreenResult.DENIED: "denied",
    ScreenResult.PRESENT: "present",
}


def presence(result: ScreenResult) -> bool | None:
    """The assessment's answer for a screen result (None: not assessed)."""
    return {ScreenResult.PRESENT: True, ScreenResult.DENIED: False}.get(result)


def screen_result(present: bool | None) -> ScreenResult:
    if present is None:
        return ScreenResult.NOT_ASSESSED
    return ScreenResult.PRESENT if present else ScreenResult.DENIED


@dataclass(frozen=True)
class RiskConflict:
    """One area answered differently by the screen and the assessment."""

    area: str
    label: str
    screen: ScreenResult
    assessment: bool

    def message(self) -> str:
        said = "yes" if self.assessment else "no"
        return (
            f"{self.label} is “{_SCREEN_WORDS[self.screen]}” in the session details but "
            f"“{said}” in the risk assessment."
        )


def risk_conflicts(screen: RiskScreen, assessment: RiskAssessment | None) -> list[RiskConflict]:
    """Where the assessment answered presence and the screen says something else. An
    unanswered presence in the assessment is incomplete, not contradictory."""
    if assessment is None:
        return []
    out = []
    for key, label in SCREENED_AREAS:
        answer = getattr(assessment, key).present
        result: ScreenResult = getattr(screen, key)
        if answer is not None and presence(result) != answer:
            out.append(RiskConflict(key, label, result, answer))
    return out


def assessment_following_screen(assessment: RiskAssessment, screen: RiskScreen) -> RiskAssessment:
    """The assessment with suicidal and homicidal ideation answered as the screen says."""
    return replace(
        assessment,
        suicidal_ideation=replace(
            assessment.suicidal_ideation, present=presence(screen.suicidal_ideation)
        ),
        homicidal_ideation=replace(
            assessment.homicidal_ideation, present=presence(screen.homicidal_ideation)
        ),
    )


def screen_following_assessment(screen: RiskScreen, assessment: RiskAssessment) -> RiskScreen:
    """The screen with the presence answers the assessment gives (unanswered ones kept)."""
    changes: dict[str, ScreenResult] = {}
    for key, _label in SCREENED_AREAS:
        answer = getattr(assessment, key).present
        if answer is not None:
            changes[key] = screen_result(answer)
    return replace(screen, **changes)


def in_step(
    screen: RiskScreen,
    assessment: RiskAssessment | None,
    *,
    screen_given: bool,
    assessment_given: bool,
) -> tuple[RiskScreen, RiskAssessment | None]:
    """The two records of a draft being saved, kept in step. A save that brings a new
    assessment but no session (CLI `note risk --file`) is the clinician's latest word, so
    its answers update the screen; a save with the session details puts the screen's
    answers into the assessment. A save that touches neither leaves an older draft as it
    is: the checklist blocks it until someone answers."""
    if assessment is None:
        return screen, None
    if assessment_given and not screen_given:
        return screen_following_assessment(screen, assessment), assessment
    if screen_given:
        return screen, assessment_following_screen(assessment, screen)
    return screen, assessment


def reconcile(
    screen: RiskScreen, assessment: RiskAssessment | None
) -> tuple[RiskScreen, list[RiskConflict]]:
    """Resolve a disagreement (an older draft's) toward the safer reading: an area is
    "present" when either record says so, until the clinician answers it again. The
    conflicts are returned so the editor can say what changed."""
    conflicts = risk_conflicts(screen, assessment)
    if not conflicts:
        return screen, []
    changes: dict[str, ScreenResult] = {}
    for c in conflicts:
        positive = c.assessment or c.screen == ScreenResult.PRESENT
        changes[c.area] = ScreenResult.PRESENT if positive else ScreenResult.DENIED
    return replace(screen, **changes), conflicts

"""Give a measure in session: a clean, frameless full-screen form the client fills on the
clinician's laptop.

Privacy first: the window is a top-level of its own and shows no client data at all — no
name, no chart, no other window's content — only a short request to answer,
the questions and the answers. One question at a time, large text, the answers as big
buttons; digit keys answer and advance, Backspace goes back, Esc asks before stopping. At
the end the client hands the laptop back and the clinician confirms the save; only then is
the score shown (total, band, and a prominent alert when a risk item was endorsed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noteapp.ui import theme
from noteapp.ui.a11y import announce
from noteapp.ui.errors import message_for
from noteapp.ui.widgets.layout import error_label, show_error

# The time frame is the instrument's own (its stem or items: two weeks for PHQ-9, a month
# for PCL-5, a year for the AUDIT), never one sentence for all of them.
INTRO_TEXT = "Please answer each question. There are no right or wrong answers."
HAND_BACK_TEXT = "Thank you — please hand the laptop back."
RISK_TEXT = (
    "Risk item endorsed: {item}. Assess risk today — complete the risk assessment in the "
    "note and review or write the safety plan."
)


@dataclass(frozen=True)
class MeasureOutcome:
    """What the clinician sees once the answers are saved."""

    instrument: str
    total: int
    band: str
    risk: bool
    risk_items: tuple[str, ...] = ()


def _font(widget: QWidget, points: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _big_button(text: str, name: str, parent: QWidget, points: float = 20) -> QPushButton:
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setAccessibleName(text)
    b.setFont(_font(b, points))
    # Big targets, yet five of them and a two-line question fit a 1280×720 screen.
    b.setMinimumHeight(int(points * 2.7))
    # Keys go to the form (digits, Backspace, Esc), never to whichever button has focus.
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


class GiveMeasureWindow(QWidget):
    """`saved(MeasureOutcome)` after the clinician confirmed; `cancelled()` if stopped.

    `save(answers)` stores the answers and returns the MeasureOutcome to show.
    """

    saved = Signal(object)
    cancelled = Signal()

    def __init__(
        self,
        instrument: Any,
        save: Callable[..., MeasureOutcome],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # Its own frameless window: nothing of the chart behind it is visible or reachable.
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setObjectName("giveMeasureWindow")
        self.setWindowTitle("Questionnaire")
        self.setAccessibleName("Questionnaire")
        self.setAutoFillBackground(True)
        self.instrument = instrument
        self._save = save
        self.items: list[str] = list(instrument.items)
        self.options: list[list[tuple[int, str]]] = [
            [(int(v), str(label)) for v, label in opts] for opts in instrument.answers
        ]
        self.scored = len(self.items)
        # An unscored follow-up (PHQ-9: how difficult have these problems made …) comes last.
        self.extra_answers: list[str] = list(getattr(instrument, "extra_answers", ()) or ())
        if getattr(instrument, "extra_question", "") and self.extra_answers:
            self.items.append(instrument.extra_question)
            self.options.append(list(enumerate(self.extra_answers)))
        self.answers: list[int | None] = [None] * len(self.items)
        self.skipped: set[int] = set()  # questions not asked (the instrument's skip rules)
        self.index = 0
        self.outcome: MeasureOutcome | None = None
        self._done = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("giveMeasureStack")
        outer.addWidget(self.stack)
        self.question_page = self._build_question_page()
        self.hand_back_page = self._build_hand_back_page()
        self.cancel_page = self._build_cancel_page()
        self.result_page = self._build_result_page()
        for page in (self.question_page, self.hand_back_page, self.cancel_page, self.result_page):
            self.stack.addWidget(page)
        self._show_question(0)

    # --- building ----------------------------------------------------------------------

    def _page(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget(self.stack)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(80, 32, 80, 28)
        lay.setSpacing(14)
        return page, lay

    def _centered(self, lay: QVBoxLayout, inner: QVBoxLayout) -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(inner, 8)
        row.addStretch(1)
        lay.addLayout(row)

    def _build_question_page(self) -> QWidget:
        page, lay = self._page()
        top = QHBoxLayout()
        self.intro = QLabel(INTRO_TEXT, page)
        self.intro.setObjectName("giveMeasureIntro")
        self.intro.setFont(_font(self.intro, 18, bold=True))
        top.addWidget(self.intro, 1)
        self.progress_label = QLabel("", page)
        self.progress_label.setObjectName("giveMeasureProgressLabel")
        self.progress_label.setFont(_font(self.progress_label, 16))
        top.addWidget(self.progress_label)
        lay.addLayout(top)
        self.progress = QProgressBar(page)
        self.progress.setObjectName("giveMeasureProgress")
        self.progress.setAccessibleName("Progress through the questions")
        self.progress.setRange(0, len(self.items))
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(10)
        lay.addWidget(self.progress)
        lay.addStretch(1)
        inner = QVBoxLayout()
        inner.setSpacing(16)
        self.stem = QLabel(str(getattr(self.instrument, "stem", "")), page)
        self.stem.setObjectName("giveMeasureStem")
        self.stem.setWordWrap(True)
        self.stem.setFont(_font(self.stem, 16))
        theme.set_tone(self.stem, "muted")
        inner.addWidget(self.stem)
        self.question = QLabel("", page)
        self.question.setObjectName("giveMeasureQuestion")
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.question.setFont(_font(self.question, 28, bold=True))
        self.question.setMinimumHeight(110)
        self.question.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        inner.addWidget(self.question)
        self.answer_box = QVBoxLayout()
        self.answer_box.setSpacing(10)
        inner.addLayout(self.answer_box)
        self.answer_buttons: list[QPushButton] = []
        self._centered(lay, inner)
        lay.addStretch(2)
        bottom = QHBoxLayout()
        self.back_button = _big_button("← Back", "giveMeasureBackButton", page, 14)
        self.back_button.clicked.connect(self.go_back)
        bottom.addWidget(self.back_button)
        bottom.addStretch(1)
        self.hint = QLabel("", page)
        self.hint.setObjectName("giveMeasureHint")
        self.hint.setFont(_font(self.hint, 13))
        theme.set_tone(self.hint, "muted")
        bottom.addWidget(self.hint)
        bottom.addStretch(1)
        self.stop_button = _big_button("Stop", "giveMeasureStopButton", page, 14)
        self.stop_button.clicked.connect(self.ask_cancel)
        bottom.addWidget(self.stop_button)
        lay.addLayout(bottom)
        return page

    def _build_hand_back_page(self) -> QWidget:
        page, lay = self._page()
        lay.addStretch(1)
        thanks = QLabel(HAND_BACK_TEXT, page)
        thanks.setObjectName("giveMeasureThanks")
        thanks.setWordWrap(True)
        thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        thanks.setFont(_font(thanks, 34, bold=True))
        lay.addWidget(thanks)
        lay.addStretch(1)
        who = QLabel("For the clinician:", page)
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        who.setFont(_font(who, 14))
        lay.addWidget(who)
        row = QHBoxLayout()
        row.addStretch(1)
        self.review_button = _big_button(
            "← Back to the questions", "giveMeasureReviewButton", page, 14
        )
        self.review_button.clicked.connect(self.go_back)
        self.confirm_button = _big_button("Save the answers", "giveMeasureSaveButton", page, 16)
        self.confirm_button.clicked.connect(self.confirm)
        row.addWidget(self.review_button)
        row.addWidget(self.confirm_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.save_error = error_label(page, "giveMeasureSaveError")
        self.save_error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.save_error)
        lay.addStretch(1)
        return page

    def _build_cancel_page(self) -> QWidget:
        page, lay = self._page()
        lay.addStretch(1)
        ask = QLabel("Stop the questionnaire? The answers so far are not saved.", page)
        ask.setObjectName("giveMeasureCancelText")
        ask.setWordWrap(True)
        ask.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ask.setFont(_font(ask, 24, bold=True))
        lay.addWidget(ask)
        row = QHBoxLayout()
        row.addStretch(1)
        self.keep_button = _big_button("Keep going", "giveMeasureKeepButton", page, 16)
        self.keep_button.clicked.connect(self.resume)
        self.discard_button = _big_button(
            "Stop without saving", "giveMeasureDiscardButton", page, 16
        )
        self.discard_button.clicked.connect(self.cancel)
        row.addWidget(self.keep_button)
        row.addWidget(self.discard_button)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return page

    def _build_result_page(self) -> QWidget:
        page, lay = self._page()
        lay.addStretch(1)
        self.result_title = QLabel("", page)
        self.result_title.setObjectName("giveMeasureResultTitle")
        self.result_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_title.setFont(_font(self.result_title, 20))
        lay.addWidget(self.result_title)
        self.result_total = QLabel("", page)
        self.result_total.setObjectName("giveMeasureResultTotal")
        self.result_total.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_total.setFont(_font(self.result_total, 44, bold=True))
        lay.addWidget(self.result_total)
        self.risk_alert = QFrame(page)
        self.risk_alert.setObjectName("giveMeasureRiskAlert")
        theme.set_tone(self.risk_alert, "danger-frame")
        alert_lay = QVBoxLayout(self.risk_alert)
        alert_lay.setContentsMargins(24, 16, 24, 16)
        head = QLabel("⚠  Risk alert", self.risk_alert)
        head.setFont(_font(head, 22, bold=True))
        alert_lay.addWidget(head)
        self.risk_text = QLabel("", self.risk_alert)
        self.risk_text.setObjectName("giveMeasureRiskText")
        self.risk_text.setWordWrap(True)
        self.risk_text.setFont(_font(self.risk_text, 16))
        alert_lay.addWidget(self.risk_text)
        self.risk_alert.hide()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.risk_alert, 6)
        row.addStretch(1)
        lay.addLayout(row)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        self.close_button = _big_button("Close", "giveMeasureCloseButton", page, 16)
        self.close_button.clicked.connect(self.close)
        close_row.addWidget(self.close_button)
        close_row.addStretch(1)
        lay.addLayout(close_row)
        lay.addStretch(2)
        return page

    # --- flow --------------------------------------------------------------------------

    def _show_question(self, index: int) -> None:
        self.index = index
        self.stack.setCurrentWidget(self.question_page)
        if index < self.scored:
            self.progress_label.setText(f"Question {index + 1} of {self.scored}")
        else:
            self.progress_label.setText("One last question")
        self.progress.setValue(index)
        self.question.setText(self.items[index])
        while self.answer_box.count():
            item = self.answer_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.answer_buttons = []
        chosen = self.answers[index]
        for value, label in self.options[index]:
            b = _big_button(
                f"{value}    {label}", f"giveMeasureAnswer{value}", self.question_page, 20
            )
            b.setStyleSheet(
                "QPushButton { text-align: left; padding-left: 24px; }"
                + (
                    "QPushButton { background: palette(highlight); "
                    "color: palette(highlighted-text); font-weight: bold; }"
                    if chosen == value
                    else ""
                )
            )
            b.clicked.connect(lambda _c=False, v=value: self.answer(v))
            self.answer_box.addWidget(b)
            self.answer_buttons.append(b)
        values = [v for v, _ in self.options[index]]
        self.hint.setText(
            f"Press {min(values)}–{max(values)} or click an answer  ·  Backspace goes back"
        )
        self.back_button.setEnabled(index > 0)
        # No control takes focus on this form (keys answer), so say the question aloud.
        answers = "; ".join(f"{v}, {label}" for v, label in self.options[index])
        announce(
            self.question,
            f"{self.progress_label.text()}. {self.items[index]} Answers: {answers}.",
        )

    def answer(self, value: int) -> None:
        """Answer the current question and move on (the last one leads to the hand-back)."""
        if self.stack.currentWidget() is not self.question_page:
            return
        if value not in [v for v, _ in self.options[self.index]]:
            return
        self.answers[self.index] = value
        following = self._next_asked(self.index + 1)
        if following is not None:
            self._show_question(following)
        else:
            self.progress.setValue(len(self.items))
            self.stack.setCurrentWidget(self.hand_back_page)
            announce(self.stack, HAND_BACK_TEXT)

    # The instrument's skip rules (AUDIT: "skip to questions 9 and 10"): a question is asked
    # only when the answers it depends on score enough; one not asked is sent as blank.
    def _asked(self, index: int) -> bool:
        condition = getattr(self.instrument, "condition", None)
        cond = condition(index) if condition is not None and index < self.scored else None
        if cond is None:
            return True
        total = 0
        for number in cond.items:
            i = number - 1
            value = self.answers[i]
            if i in self.skipped or value is None:
                total += min(self.instrument.item_scores(i))
            else:
                total += self.instrument.option_score(i, value) or 0
        return bool(total >= cond.min)

    def _next_asked(self, start: int) -> int | None:
        for i in range(start, len(self.items)):
            if self._asked(i):
                self.skipped.discard(i)
                return i
            self.skipped.add(i)
            self.answers[i] = None
        return None

    def _previous_asked(self, before: int) -> int | None:
        return next((i for i in range(before - 1, -1, -1) if i not in self.skipped), None)

    def go_back(self) -> None:
        page = self.stack.currentWidget()
        if page is self.hand_back_page:
            last = self._previous_asked(len(self.items))
            self._show_question(last if last is not None else 0)
        elif page is self.question_page and self.index > 0:
            earlier = self._previous_asked(self.index)
            if earlier is not None:
                self._show_question(earlier)

    def ask_cancel(self) -> None:
        if self.stack.currentWidget() in (self.question_page, self.hand_back_page):
            self._resume_to = self.stack.currentWidget()
            self.stack.setCurrentWidget(self.cancel_page)

    def resume(self) -> None:
        self.stack.setCurrentWidget(getattr(self, "_resume_to", self.question_page))

    def cancel(self) -> None:
        self.answers = [None] * len(self.items)
        self.skipped = set()
        self._done = True
        self.cancelled.emit()
        self.close()

    def confirm(self) -> None:
        """The clinician saves the answers; the score is shown only now."""
        if any(a is None for i, a in enumerate(self.answers) if i not in self.skipped):
            return
        scored: list[int | None] = [
            None if i in self.skipped or a is None else int(a)
            for i, a in enumerate(self.answers[: self.scored])
        ]
        extra = self.answers[self.scored :]
        difficulty = self.extra_answers[extra[0]] if extra and extra[0] is not None else ""
        try:
            outcome = (
                self._save(scored, difficulty=difficulty) if difficulty else self._save(scored)
            )
        except Exception as exc:  # keep the answers; say why it did not save
            show_error(self.save_error, f"Not saved: {message_for(exc)}")
            return
        self.outcome = outcome
        self._done = True
        self.result_title.setText(f"{outcome.instrument} saved")
        self.result_total.setText(f"{outcome.total} — {outcome.band}")
        self.risk_alert.setVisible(outcome.risk)
        if outcome.risk:
            items = "; ".join(outcome.risk_items) or "a risk item"
            self.risk_text.setText(RISK_TEXT.format(item=items))
        self.stack.setCurrentWidget(self.result_page)
        said = f"{outcome.instrument} saved. Total {outcome.total}, {outcome.band}."
        if outcome.risk:
            said += " Risk alert. " + self.risk_text.text()
        announce(self.result_total, said, alert=outcome.risk)
        self.saved.emit(outcome)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        page = self.stack.currentWidget()
        if key == Qt.Key.Key_Escape:
            if page is self.cancel_page:
                self.resume()
            elif page is self.result_page:
                self.close()
            else:
                self.ask_cancel()
            return
        if key == Qt.Key.Key_Backspace:
            self.go_back()
            return
        text = event.text()
        if page is self.question_page and text.isdigit() and len(text) == 1:
            self.answer(int(text))
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._done:
            self._done = True
            self.cancelled.emit()
        super().closeEvent(event)

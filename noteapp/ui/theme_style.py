"""The Fusion style with field and check-box outlines in the theme's border colour.

Fusion draws the edges of fields, check boxes and radio buttons a shade darker than the
window. On a dark palette that shade is all but black on black: an unchecked box in the
note's interventions list, or the edge of a text field, could not be seen. WCAG 1.4.11 asks
3:1 for the boundary of a control; `theme.MARK_PAIRS` checks the border colour's.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QStyleOptionComplex, QWidget

from noteapp.ui import theme

_PE = QStyle.PrimitiveElement
_CC = QStyle.ComplexControl
_OUTLINED = (_PE.PE_IndicatorCheckBox, _PE.PE_FrameLineEdit, _PE.PE_Frame)
_FRAMED_CONTROLS = (_CC.CC_ComboBox, _CC.CC_SpinBox)


class OutlineStyle(QProxyStyle):
    def __init__(self) -> None:
        super().__init__("Fusion")
        self.setObjectName("noteappFusion")

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element == _PE.PE_IndicatorRadioButton:
            _outline(painter, option, round_=True)
        elif element in _OUTLINED and option.rect.width() > 4:
            _outline(painter, option)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _FRAMED_CONTROLS and getattr(option, "frame", True):
            _outline(painter, option)


def _outline(painter: QPainter, option: QStyleOption, *, round_: bool = False) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
    colour = theme.qcolor("highlight" if focused else "border")
    painter.setPen(QPen(colour, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
    if round_:
        painter.drawEllipse(rect)
    else:
        painter.drawRoundedRect(rect, 2, 2)
    painter.restore()

"""Every colour of the desktop app: semantic names with a light, a dark and a high-contrast
value, the palettes of the three schemes, and the one application style sheet that paints
"tones" (danger, warning, success, info, muted, chips, boxes, banners).

Why one module: colours chosen one widget at a time were light-theme colours (a dark-green
signature line, dark-red risk rows) that a clinician working in a dark OS palette at 7 pm
could hardly read. Here every text colour is paired with the backgrounds it is drawn on,
and a test checks each pair's contrast (WCAG AA, 4.5:1) in every scheme.

How widgets use it:
- `set_tone(widget, "danger")` — a property the application style sheet matches, so a
  change of scheme recolours the widget without the widget doing anything;
- `qcolor(key)` / `colour(key)` at paint or render time (charts, HTML documents), and
  `changed()` to re-render HTML when the scheme changes;
- `ToneDelegate` + `set_item_tone(item, key)` for rows of item views.

The app follows the OS (Qt 6.5+ `QStyleHints.colorScheme`, and the OS's high-contrast
preference where Qt reports it) unless the device setting (Settings → Appearance) chooses a
scheme; `apply()` installs it.
"""

from __future__ import annotations

import contextlib
from enum import StrEnum

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidgetItem,
    QWidget,
)


class Scheme(StrEnum):
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"


class Appearance(StrEnum):
    """The device setting: follow the OS, or one scheme always."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"

    @property
    def label(self) -> str:
        return {
            Appearance.SYSTEM: "Same as the computer (follows light and dark mode)",
            Appearance.LIGHT: "Light",
            Appearance.DARK: "Dark",
            Appearance.HIGH_CONTRAST: "High contrast",
        }[self]


_ORDER = (Scheme.LIGHT, Scheme.DARK, Scheme.HIGH_CONTRAST)

# key: (light, dark, high contrast)
COLOURS: dict[str, tuple[str, str, str]] = {
    # Surfaces of our own palettes (and the backgrounds every text colour is checked on).
    "window": ("#efefef", "#1f2124", "#000000"),
    "base": ("#ffffff", "#17181b", "#000000"),
    "alternate_base": ("#f5f6f7", "#24262a", "#101010"),
    "button": ("#e9e9ea", "#2c2f33", "#000000"),
    "border": ("#7a8089", "#7a8089", "#ffffff"),  # edges of fields and check boxes
    "text": ("#1f2328", "#e6e8eb", "#ffffff"),
    "muted_text": ("#57606a", "#aab2bb", "#e6e6e6"),
    "disabled_text": ("#8c939a", "#6b7178", "#9a9a9a"),
    "highlight": ("#1f5f9e", "#2f65a8", "#ffe066"),
    "highlighted_text": ("#ffffff", "#ffffff", "#000000"),
    "link": ("#0b57a4", "#8ab4f8", "#8ad7ff"),
    "tooltip_base": ("#fff4d6", "#3d3000", "#000000"),
    "tooltip_text": ("#1f2328", "#ffe08a", "#ffffff"),
    # Semantic text on the window or a list.
    "danger_text": ("#b3261e", "#ff8a80", "#ff9e9e"),
    "warning_text": ("#7a5200", "#f2c14e", "#ffe066"),
    "success_text": ("#1e6b34", "#7fd18b", "#7dff9a"),
    "info_text": ("#2f4a66", "#9ecbff", "#8ad7ff"),
    "private_text": ("#7a2e8e", "#d9a6ef", "#f0b3ff"),
    # Boxes: a tinted background with its own text colour.
    "danger_bg": ("#fde7e9", "#4a1714", "#000000"),
    "danger_on_bg": ("#8c1d18", "#ffdad6", "#ff9e9e"),
    "danger_border": ("#e3a3a8", "#93443e", "#ff9e9e"),
    "warning_bg": ("#fff4d6", "#3d3000", "#000000"),
    "warning_on_bg": ("#6b4700", "#ffe08a", "#ffe066"),
    "success_bg": ("#dcefe1", "#1b3a25", "#000000"),
    "success_on_bg": ("#1e6b34", "#b6f0c0", "#7dff9a"),
    "info_bg": ("#e6ecf3", "#1d2c3d", "#000000"),
    "info_on_bg": ("#2f4a66", "#cfe3ff", "#8ad7ff"),
    "neutral_bg": ("#e8e8e8", "#33363b", "#000000"),
    "neutral_on_bg": ("#4a5058", "#d0d4d9", "#ffffff"),
    # Solid banners: a risk flag (red) and an untrusted signer (amber).
    "alert_bg": ("#b3261e", "#93000a", "#000000"),
    "alert_text": ("#ffffff", "#ffffff", "#ff9e9e"),
    "caution_bg": ("#8a6d00", "#6b5400", "#000000"),
    "caution_text": ("#ffffff", "#ffffff", "#ffe066"),
    # Document-like panels (note preview, plan preview, a file on the Review screen).
    "paper_bg": ("#ffffff", "#1e1f22", "#000000"),
    "paper_text": ("#1f2328", "#e3e5e8", "#ffffff"),
    "paper_muted": ("#57606a", "#a8b0b9", "#e6e6e6"),
    "paper_heading": ("#24425e", "#9ecbff", "#ffe066"),
    "paper_rule": ("#d0d7de", "#3d4148", "#ffffff"),
    # Lines and marks (non-text: WCAG asks 3:1 against the background).
    "spell_underline": ("#d0312d", "#ff6b6b", "#ff5555"),
    "chart_line": ("#2f6fb0", "#6ea8e8", "#8ad7ff"),
    "chart_risk": ("#b3261e", "#ff8a80", "#ff9e9e"),
    "chart_note": ("#3d444d", "#b8c0c8", "#ffffff"),
    "chart_review": ("#7a4fb0", "#c3a6ef", "#f0b3ff"),
    "series_0": ("#2f6fb0", "#6ea8e8", "#8ad7ff"),
    "series_1": ("#b86114", "#f0a35e", "#ffcc80"),
    "series_2": ("#2b8a55", "#6fcf97", "#7dff9a"),
    "series_3": ("#9b45ad", "#d59be6", "#f0b3ff"),
    "series_4": ("#c03c3c", "#ff8a80", "#ff9e9e"),
    "series_5": ("#1f8585", "#5fd0d0", "#80ffff"),
    "series_6": ("#6f7420", "#c8cd5a", "#ffff80"),
    # Severity bands of a measure chart: hues mixed lightly into the Base colour.
    "band_0": ("#3aa36b", "#3aa36b", "#3aa36b"),
    "band_1": ("#8fbf3f", "#8fbf3f", "#8fbf3f"),
    "band_2": ("#e0b431", "#e0b431", "#e0b431"),
    "band_3": ("#e07b31", "#e07b31", "#e07b31"),
    "band_4": ("#c9423a", "#c9423a", "#c9423a"),
    "band_5": ("#a0285a", "#a0285a", "#a0285a"),
}
SERIES = tuple(f"series_{i}" for i in range(7))
BANDS = tuple(f"band_{i}" for i in range(6))

# Paper and PDF output is printed: black on white whatever the screen's scheme.
PRINT = {
    "text": "#000000",
    "muted": "#444444",
    "small": "#333333",
    "rule": "#888888",
    "draft": "#b3261e",
}

# Every semantic text colour and the backgrounds it is drawn on (the contrast test's list).
_ON_SURFACES = ("window", "base", "alternate_base")
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    *(
        (text, bg)
        for text in (
            "text",
            "muted_text",
            "link",
            "danger_text",
            "warning_text",
            "success_text",
            "info_text",
            "private_text",
        )
        for bg in _ON_SURFACES
    ),
    ("text", "button"),
    ("highlighted_text", "highlight"),
    ("tooltip_text", "tooltip_base"),
    ("danger_on_bg", "danger_bg"),
    ("warning_on_bg", "warning_bg"),
    ("success_on_bg", "success_bg"),
    ("info_on_bg", "info_bg"),
    ("neutral_on_bg", "neutral_bg"),
    ("alert_text", "alert_bg"),
    ("caution_text", "caution_bg"),
    ("paper_text", "paper_bg"),
    ("paper_muted", "paper_bg"),
    ("paper_heading", "paper_bg"),
    ("danger_text", "paper_bg"),
    ("success_text", "paper_bg"),
    ("info_text", "paper_bg"),
    ("warning_text", "paper_bg"),
    ("private_text", "paper_bg"),
)
# Lines and marks on the chart background (WCAG 1.4.11: 3:1).
MARK_PAIRS: tuple[tuple[str, str], ...] = (
    *((mark, "base") for mark in ("chart_line", "chart_risk", "chart_note", "chart_review")),
    *((mark, "base") for mark in SERIES),
    ("border", "base"),
    ("border", "window"),
)

# Item views: a row's semantic colour (see ToneDelegate).
TONE_ROLE = Qt.ItemDataRole.UserRole + 40


# --- contrast ------------------------------------------------------------------------------


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour such as "#1f2328"."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# --- the current scheme --------------------------------------------------------------------


class _Notifier(QObject):
    changed = Signal()


class _State:
    appearance: Appearance | None = None  # None: apply() not called (tests, tools)
    scheme: Scheme | None = None
    native_style: str = ""
    notifier: _Notifier | None = None
    watching: bool = False


_state = _State()


def changed() -> SignalInstance:
    """Emitted after the scheme changed (re-render HTML that holds colours)."""
    if _state.notifier is None:
        _state.notifier = _Notifier()
    return _state.notifier.changed


def scheme() -> Scheme:
    """The scheme in use: the applied one, or (before `apply`) read from the palette."""
    if _state.scheme is not None:
        return _state.scheme
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
        return Scheme.DARK if window.lightness() < 128 else Scheme.LIGHT
    return Scheme.LIGHT


def colour(key: str, in_scheme: Scheme | None = None) -> str:
    """The "#rrggbb" of a semantic colour in the current (or the given) scheme."""
    return COLOURS[key][_ORDER.index(in_scheme or scheme())]


def qcolor(key: str) -> QColor:
    return QColor(colour(key))


def system_scheme() -> Scheme:
    """What the OS asks for: high contrast, dark or light (Qt 6.5+ colour scheme)."""
    hints = QGuiApplication.styleHints()
    try:
        if hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast:
            return Scheme.HIGH_CONTRAST
    except AttributeError:  # Qt before 6.10: no contrast preference
        pass
    reported = hints.colorScheme()
    if reported == Qt.ColorScheme.Dark:
        return Scheme.DARK
    if reported == Qt.ColorScheme.Light:
        return Scheme.LIGHT
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return Scheme.DARK if window.lightness() < 128 else Scheme.LIGHT


def palette_for(s: Scheme) -> QPalette:
    """A complete palette for one of our schemes (used with the Fusion style)."""

    def c(key: str) -> QColor:
        return QColor(colour(key, s))

    pal = QPalette()
    role = QPalette.ColorRole
    pairs = {
        role.Window: c("window"),
        role.WindowText: c("text"),
        role.Base: c("base"),
        role.AlternateBase: c("alternate_base"),
        role.Text: c("text"),
        role.Button: c("button"),
        role.ButtonText: c("text"),
        role.BrightText: c("danger_text"),
        role.Highlight: c("highlight"),
        role.HighlightedText: c("highlighted_text"),
        role.Link: c("link"),
        role.LinkVisited: c("private_text"),
        role.ToolTipBase: c("tooltip_base"),
        role.ToolTipText: c("tooltip_text"),
        role.PlaceholderText: c("muted_text"),
        role.Light: c("base").lighter(130) if s != Scheme.LIGHT else QColor("white"),
        role.Midlight: c("border").lighter(115),
        role.Mid: c("border"),
        role.Dark: c("border").darker(130),
        role.Shadow: QColor("black"),
    }
    for r, col in pairs.items():
        pal.setColor(r, col)
    disabled = c("disabled_text")
    for r in (role.WindowText, role.Text, role.ButtonText, role.PlaceholderText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    pal.setColor(QPalette.ColorGroup.Disabled, role.Highlight, c("border"))
    return pal


def style_sheet(s: Scheme) -> str:
    """The application style sheet: colours of the tones, nothing else about layout."""

    def c(key: str) -> str:
        return colour(key, s)

    hc_border = "2px solid" if s == Scheme.HIGH_CONTRAST else "1px solid"
    chip = "border-radius: 9px; padding: 2px 10px; font-weight: bold;"
    return f"""
*[tone="muted"] {{ color: {c("muted_text")}; }}
*[tone="danger"] {{ color: {c("danger_text")}; }}
*[tone="warning"] {{ color: {c("warning_text")}; }}
*[tone="success"] {{ color: {c("success_text")}; }}
*[tone="info"] {{ color: {c("info_text")}; }}
*[tone="private"] {{ color: {c("private_text")}; }}
QLabel[tone="danger-box"] {{ background: {c("danger_bg")}; color: {c("danger_on_bg")};
    border: {hc_border} {c("danger_border")}; border-radius: 4px; padding: 6px 10px; }}
QFrame[tone="danger-frame"] {{ background: {c("danger_bg")};
    border: 3px solid {c("danger_text")}; border-radius: 8px; }}
QFrame[tone="danger-frame"] QLabel {{ color: {c("danger_on_bg")}; background: transparent;
    border: none; }}
QFrame[tone="alert"] {{ background: {c("alert_bg")}; border-radius: 4px;
    border: {hc_border} {c("alert_bg") if s != Scheme.HIGH_CONTRAST else c("alert_text")}; }}
QFrame[tone="alert"] QLabel {{ color: {c("alert_text")}; font-weight: bold; }}
QFrame[tone="caution"] {{ background: {c("caution_bg")}; border-radius: 4px;
    border: {hc_border} {c("caution_bg") if s != Scheme.HIGH_CONTRAST else c("caution_text")}; }}
QFrame[tone="caution"] QLabel {{ color: {c("caution_text")}; font-weight: bold; }}
QLabel[chip="draft"] {{ background: {c("info_bg")}; color: {c("info_on_bg")}; {chip} }}
QLabel[chip="signed"] {{ background: {c("success_bg")}; color: {c("success_on_bg")}; {chip} }}
QLabel[chip="neutral"] {{ background: {c("neutral_bg")}; color: {c("neutral_on_bg")}; {chip} }}
QLabel[chip="draft"], QLabel[chip="signed"], QLabel[chip="neutral"] {{
    border: {"1px solid " + c("text") if s == Scheme.HIGH_CONTRAST else "none"}; }}
QLabel[tone="code"] {{ border: 1px solid {c("border")}; border-radius: 6px;
    background: {c("alternate_base")}; color: {c("text")}; }}
QTextBrowser[paper="true"] {{ background: {c("paper_bg")}; color: {c("paper_text")}; }}
"""


def set_tone(widget: QWidget, tone: str, *, prop: str = "tone") -> None:
    """Give `widget` a tone ("" for none); the application style sheet paints it."""
    if widget.property(prop) == (tone or None):
        return
    widget.setProperty(prop, tone or None)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def set_chip(label: QWidget, kind: str) -> None:
    """A status chip: "draft", "signed" or "neutral"."""
    set_tone(label, kind, prop="chip")


def set_item_tone(item: QListWidgetItem | QTableWidgetItem, key: str) -> None:
    """Colour a row's text with a semantic colour (drawn by ToneDelegate)."""
    item.setData(TONE_ROLE, key or None)


class ToneDelegate(QStyledItemDelegate):
    """Paints an item's text in its semantic colour (TONE_ROLE), looked up at paint time so
    rows follow a change of scheme; selected rows keep the highlighted-text colour."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        key = index.data(TONE_ROLE)
        if key:
            option.palette.setColor(QPalette.ColorRole.Text, qcolor(str(key)))


# --- applying ------------------------------------------------------------------------------


def apply(app: QApplication, appearance: Appearance = Appearance.SYSTEM) -> Scheme:
    """Install `appearance`: palette, style and the tones' style sheet. Returns the scheme."""
    if not _state.native_style:
        _state.native_style = app.style().name()
    _state.appearance = appearance
    if appearance == Appearance.SYSTEM:
        if app.style().objectName() == "noteappFusion" or app.style().name() != _state.native_style:
            app.setStyle(_state.native_style)
        app.setPalette(QPalette())  # the platform's own palette
        wanted = system_scheme()
        shown_dark = app.palette().color(QPalette.ColorRole.Window).lightness() < 128
        if wanted == Scheme.HIGH_CONTRAST or (wanted == Scheme.DARK) != shown_dark:
            # The OS asks for a scheme its style does not draw: draw it ourselves.
            _use_outline_style(app)
            app.setPalette(palette_for(wanted))
    else:
        wanted = Scheme(appearance.value)
        _use_outline_style(app)  # native styles ignore much of a custom palette
        app.setPalette(palette_for(wanted))
    _state.scheme = wanted
    app.setStyleSheet(style_sheet(wanted))
    if not _state.watching:
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(lambda _s: _follow_system(app))
        with contextlib.suppress(AttributeError):  # Qt before 6.10: no contrast preference
            hints.accessibility().contrastPreferenceChanged.connect(lambda _p: _follow_system(app))
        _state.watching = True
    changed().emit()
    return wanted


def _use_outline_style(app: QApplication) -> None:
    from noteapp.ui.theme_style import OutlineStyle

    if not isinstance(app.style(), OutlineStyle):
        app.setStyle(OutlineStyle())


def _follow_system(app: QApplication) -> None:
    if _state.appearance == Appearance.SYSTEM:
        apply(app, Appearance.SYSTEM)


def current_appearance() -> Appearance:
    return _state.appearance or Appearance.SYSTEM

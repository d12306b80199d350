"""The document's settings: options a reader applies to the whole document, allowed by name.

Most settings are about editing (proofing marks, revision tracking, compatibility with old
layouts, ids); a few change what a reader shows or bring content from outside the package:
an attached template with "update styles on open" (`w:attachedTemplate`, `w:linkStyles`)
restyles the text from a file the verifier never sees, a mail merge (`w:mailMerge`) fills
fields from a data source, `w:doNotDisplayPageBoundaries` hides the page headers that name
the client. So only the settings listed here are allowed, and the default tab stop is
bounded (geometry.py); anything else is a finding (security requirement "fail closed").
"""

from __future__ import annotations

from typing import Any

from noteapp.export.allowlist import W, describe
from noteapp.export.geometry import default_tab_problem

WHERE = "the document's settings"
# Settings with no effect on which words a reader shows or where (ECMA-376 Part 1, 17.15.1),
# including the ones python-docx's template, LibreOffice and Word write.
_HARMLESS = frozenset(
    {
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts", "saveFormsData",
        "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
        "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
        "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign",
        "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "revisionView",
        "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
        "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop",
        "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
        "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
        "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
        "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
        "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
        "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
        "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData",
        "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne",
        "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore",
        "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
        "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
        "saveXmlDataOnly", "useXSLTWhenSaving", "showXMLTags", "alwaysMergeEmptyNamespace",
        "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
        "rsids", "attachedSchema", "themeFontLang", "clrSchemeMapping",
        "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
        "readModeInkLockDown", "smartTagType", "shapeDefaults", "doNotEmbedSmartTags",
        "decimalSymbol", "listSeparator", "printFractionalCharacterWidth", "printFormsData",
        "displayBackgroundShape",
    }
)  # fmt: skip
# Other vocabularies Word and LibreOffice write into the settings: equation defaults,
# schema libraries, legacy drawing defaults, and Word's later additions (document ids,
# chart tracking, image resolution) — none places or hides text.
_OTHER_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "urn:schemas-microsoft-com:office:office",
    "http://schemas.microsoft.com/office/word/",
)


# Web settings: how Word saves the document as a web page. A frames page (`w:frameset`) shows
# other documents beside this one, so only these are allowed (python-docx and Word write them).
_WEB_HARMLESS = frozenset(
    {
        "optimizeForBrowser", "relyOnVML", "allowPNG", "doNotRelyOnCSS", "doNotSaveAsSingleFile",
        "doNotOrganizeInFolder", "doNotUseLongFileNames", "pixelsPerInch", "targetScreenSz",
        "saveSmartTagsAsXml", "encoding", "divs",
    }
)  # fmt: skip


def web_settings_problems(root: Any | None) -> list[str]:
    """Sentences for every web setting the verifier does not allow."""
    if root is None:
        return []
    return [
        f"The document contains {describe(child.tag)} in its web settings that the verifier "
        "cannot check; it may show content that was not signed."
        for child in root
        if isinstance(child.tag, str)
        and not (child.tag.startswith(f"{{{W}}}") and child.tag.split("}", 1)[1] in _WEB_HARMLESS)
    ]


def settings_problems(root: Any | None) -> list[str]:
    """Sentences for every setting the verifier does not allow ([] when all are known)."""
    if root is None:
        return []
    problems = []
    for child in root:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # an XML comment
        namespace, local = tag[1:].split("}", 1) if tag.startswith("{") else ("", tag)
        known = local in _HARMLESS if namespace == W else namespace.startswith(_OTHER_NAMESPACES)
        if not known:
            problems.append(
                f"The document contains {describe(tag)} in {WHERE} that the verifier cannot "
                "check; it may show text that was not signed."
            )
    tab = default_tab_problem(root)
    if tab is not None:
        problems.append(
            f"The document has {tab} in {WHERE}; it may hide or change what was signed."
        )
    return problems

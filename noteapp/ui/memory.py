"""The interpreter's garbage collector around an unlocked session.

A full collection walks every object the collector tracks. Once Today is on screen the app
holds tens of thousands of them (the summaries of every note, the services, the widgets)
and a full collection took 60 ms at 10,000 notes — triggered at whatever moment the
allocations added up, often in the middle of opening a chart while the background check was
parsing records. `settle()` moves what exists then into the collector's permanent
generation, so later collections walk only what came after; `release()` at lock puts it
back and collects, so nothing of the closed session (decrypted text in a reference cycle
included) outlives the lock.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """After unlock, once Today is shown: what exists now is kept out of later collections.
    (No collection first: that would be the very pause this avoids, on the GUI thread.
    Garbage frozen with the rest is freed at lock.)"""
    gc.freeze()


def release() -> None:
    """At lock: everything is collected again, and what the session left is freed now."""
    gc.unfreeze()
    gc.collect()

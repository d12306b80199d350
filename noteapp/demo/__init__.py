"""The demo vault: invented clients, notes, plans, measures and safety plans for trying the
app and for benchmarks. Used only by the front ends (and tests and benchmarks); it reaches the
core through services, like them. Nothing here is real."""

from __future__ import annotations

from noteapp.demo.vault import (
    DEMO_PASSPHRASE,
    add_demo_clients,
    create_demo_vault,
    ensure_demo_profile,
    fill_demo,
)

__all__ = [
    "DEMO_PASSPHRASE",
    "add_demo_clients",
    "create_demo_vault",
    "ensure_demo_profile",
    "fill_demo",
]

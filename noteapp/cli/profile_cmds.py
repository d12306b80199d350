"""Profile commands: the clinician identity used in signatures and exports."""

from __future__ import annotations

import argparse
from typing import Any

from noteapp.cli import common
from noteapp.cli.common import CommandSpec
from noteapp.domain.errors import InvalidInputError, NotFoundError
from noteapp.domain.profile import ClinicianProfile, Role

SET_EPILOG = """\
The first 'profile set' creates the profile and your Ed25519 signing key; it needs --name.
Later calls change only the options given.

example:
  noteapp profile set --name "Dana Whitfield" --credentials LCSW --license LCSW-000000
"""

# option destination → profile field
_FIELDS = {
    "name": "name",
    "credentials": "credentials",
    "license": "license_number",
    "role": "role",
    "agency": "agency_name",
    "agency_address": "agency_address",
    "agency_phone": "agency_phone",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = common.add_group(
        subparsers, "profile", "the clinician profile used in signatures and exports"
    )
    set_ = common.add_command(
        group,
        CommandSpec(
            "set", "create or update your profile (and signing key)", run_set, epilog=SET_EPILOG
        ),
    )
    set_.add_argument("--name", help="your full name, as it appears when you sign")
    set_.add_argument("--credentials", metavar="CRED", help="e.g. LCSW, PhD, LPC")
    set_.add_argument("--license", metavar="L", help="license number")
    set_.add_argument("--role", choices=[r.value for r in Role], help="default: clinician")
    set_.add_argument(
        "--supervised",
        choices=["yes", "no"],
        help="yes: a supervisor co-signs your notes (you see the co-signature queue)",
    )
    set_.add_argument("--agency", metavar="A", help="agency or practice name")
    set_.add_argument("--agency-address", metavar="ADDRESS", help="letterhead address")
    set_.add_argument("--agency-phone", metavar="PHONE", help="letterhead phone")

    show = common.add_command(
        group,
        CommandSpec(
            "show",
            "show your profile and signing-key fingerprint",
            run_show,
        ),
    )
    common.add_json_flag(show)


def profile_json(p: ClinicianProfile) -> dict[str, Any]:
    return {
        "name": p.name,
        "credentials": p.credentials,
        "license_number": p.license_number,
        "role": p.role.value,
        "agency_name": p.agency_name,
        "agency_address": p.agency_address,
        "agency_phone": p.agency_phone,
        "has_logo": p.logo_png is not None,
        "public_key": p.public_key.hex(),
        "fingerprint": p.fingerprint,
        "supervised": p.supervised,
    }


def run_set(args: argparse.Namespace) -> int:
    changes = {
        field: getattr(args, dest)
        for dest, field in _FIELDS.items()
        if getattr(args, dest) is not None
    }
    if args.supervised is not None:
        changes["supervised"] = args.supervised == "yes"
    if not changes:
        raise InvalidInputError("Nothing to set: give at least one option (see --help).")
    with common.unlocked(args) as ws:
        created = ws.profile.get() is None
        profile = ws.profile.set(**changes)
    verb = "Created" if created else "Updated"
    common.info(f"{verb} the profile. Signing key fingerprint: {profile.fingerprint}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with common.unlocked(args) as ws:
        profile = ws.profile.get()
    if profile is None:
        raise NotFoundError(
            "There is no profile yet; create it with 'noteapp profile set --name NAME "
            "--credentials CRED'."
        )
    if args.json:
        common.emit_json(profile_json(profile))
        return 0
    rows = [
        ("Name", profile.name),
        ("Credentials", profile.credentials),
        ("License", profile.license_number),
        ("Role", profile.role.value),
        ("Supervised", "yes" if profile.supervised else "no"),
        ("Agency", profile.agency_name),
        ("Agency address", profile.agency_address),
        ("Agency phone", profile.agency_phone),
        ("Fingerprint", profile.fingerprint),
    ]
    for label, value in rows:
        common.out(f"{label + ':':<16}{value or '-'}")
    return 0

"""Domain: the clinician profile's dict form and repr, and the fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from noteapp.domain.clock import FakeClock, SystemClock
from noteapp.domain.profile import ClinicianProfile, Role, profile_from_dict, profile_to_dict

_text = st.text(max_size=40)
_profiles = st.builds(
    ClinicianProfile,
    name=st.text(min_size=1, max_size=40),
    credentials=_text,
    license_number=_text,
    role=st.sampled_from(Role),
    agency_name=_text,
    agency_address=_text,
    agency_phone=_text,
    logo_png=st.none() | st.binary(min_size=1, max_size=64).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
    public_key=st.binary(min_size=32, max_size=32),
    fingerprint=st.just("ABCD EF01 2345 6789"),
)


@given(_profiles)
def test_profile_dict_round_trip(profile: ClinicianProfile) -> None:
    assert profile_from_dict(profile_to_dict(profile)) == profile


def test_profile_from_minimal_dict() -> None:
    p = profile_from_dict({"name": "Dana Whitfield"})
    assert p.role is Role.CLINICIAN
    assert p.logo_png is None and p.public_key == b"" and p.credentials == ""


def test_profile_repr_and_signature_name() -> None:
    p = ClinicianProfile(name="Dana Whitfield", credentials="LCSW", license_number="L-1")
    assert "Dana" not in repr(p) and "L-1" not in repr(p)
    assert p.signature_name == "Dana Whitfield, LCSW"
    assert ClinicianProfile(name="Dana Whitfield", credentials="").signature_name == (
        "Dana Whitfield"
    )


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock()
    start, mono = clock.now(), clock.monotonic()
    assert start == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert start.tzinfo is not None
    assert (clock.now(), clock.monotonic()) == (start, mono)
    clock.advance(90)
    assert clock.now() - start == timedelta(seconds=90)
    assert clock.monotonic() - mono == 90


def test_fake_clock_custom_start() -> None:
    when = datetime(2030, 6, 1, 12, tzinfo=UTC)
    assert FakeClock(when).now() == when


def test_system_clock_is_utc_aware() -> None:
    clock = SystemClock()
    assert clock.now().utcoffset() == timedelta(0)
    a = clock.monotonic()
    assert clock.monotonic() >= a

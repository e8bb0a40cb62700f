"""Pseudonymisation of patient and sample identifiers, and what patient data may be kept.

A raw identifier (a medical record number, a FHIR Patient identifier, a MAF
``Tumor_Sample_Barcode``) never reaches the store: loaders turn it into a pseudonym, a
keyed HMAC-SHA256 of the identifier, so

* the same identifier under the same key always gives the same pseudonym (re-loading a
  bundle updates the same patient; a MAF and a FHIR bundle naming one sample meet), and
* without the key nobody can recompute a pseudonym from a guessed identifier (a plain
  hash of an MRN could be reversed by trying every MRN).

The key comes from, in order: the loader option ``key_file=PATH``, the environment
variable ``KGTWIN_PSEUDONYM_KEY`` (the key itself), or ``KGTWIN_PSEUDONYM_KEY_FILE``
(a path). There is deliberately no default key: a key baked into code would make every
pseudonym recomputable. ``kgtwin patient keygen FILE`` writes a fresh random key. The
key never lands in the store; patient nodes carry only ``key_id``, a fingerprint that
tells two keys apart without revealing either.

What is kept (the documented allow-list): pseudonyms, administrative sex, an age band of
ten years (``"50-59"``, ``"90+"``), coded diagnoses, medications, observations, samples
and variants. Names, addresses, telecom, dates of birth, other dates and free-text notes
are dropped; raw identifiers are kept only when the user passes the loader option
``allow=identifiers`` (other values: ``names``, ``birth_dates``), which is recorded in the
ledger with the load.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kgtwin.errors import KgTwinError

KEY_ENV = "KGTWIN_PSEUDONYM_KEY"
KEY_FILE_ENV = "KGTWIN_PSEUDONYM_KEY_FILE"
#: Keys shorter than this many bytes are refused: a short key can be guessed.
MIN_KEY_BYTES = 16
#: Bytes of randomness a configured key (file or environment) must hold at least.
KEY_FILE_BYTES = 32
#: Characters of base32 kept from the digest: 26 characters = 130 bits.
PSEUDONYM_LENGTH = 26
PATIENT_PREFIX = "KGTWIN.PATIENT"
SAMPLE_PREFIX = "KGTWIN.SAMPLE"
#: What a user may explicitly allow a loader to keep (``--option allow=a,b``).
ALLOWABLE = frozenset({"identifiers", "names", "birth_dates"})

HOW_TO_SET_KEY = (
    "no pseudonymisation key is configured: patient identifiers are replaced by keyed "
    "pseudonyms and kgtwin has no default key. Create one with "
    "`kgtwin patient keygen ~/.kgtwin-pseudonym.key` and pass `--option key_file=PATH`, "
    f"or set {KEY_FILE_ENV}=PATH (or {KEY_ENV} to the key itself). Keep the same key to "
    "update the same patients later"
)


class PrivacyError(KgTwinError):
    """No usable pseudonymisation key, or a request to keep data that may not be kept."""


@dataclass(frozen=True)
class Pseudonymiser:
    """Turns raw patient and sample identifiers into stable keyed pseudonyms."""

    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise PrivacyError(
                f"the pseudonymisation key is too short ({len(self.key)} bytes; at least "
                f"{MIN_KEY_BYTES} needed): create one with `kgtwin patient keygen FILE`"
            )

    @property
    def key_id(self) -> str:
        """A fingerprint of the key (not the key): tells pseudonyms of two keys apart."""
        return self._digest("key-id", "")[:8]

    def pseudonym(self, kind: str, raw: str, dataset: str = "") -> str:
        """The pseudonym of ``raw`` in the ``kind`` space ('patient' or 'sample'), within
        ``dataset``: "Patient 1" of two papers are two people. An empty dataset is the
        unscoped space (ids unique across datasets: TCGA barcodes, UUIDs, MRNs)."""
        text = raw.strip()
        if not text:
            raise PrivacyError(f"an empty {kind} identifier cannot be pseudonymised")
        scoped = f"{dataset.strip()}\0{text}" if dataset.strip() else text
        return self._digest(kind, scoped)[:PSEUDONYM_LENGTH]

    def patient(self, raw: str, dataset: str = "") -> str:
        """``KGTWIN.PATIENT:<pseudonym>`` for a raw patient identifier within ``dataset``."""
        return f"{PATIENT_PREFIX}:{self.pseudonym('patient', raw, dataset)}"

    def sample(self, raw: str, dataset: str = "") -> str:
        """``KGTWIN.SAMPLE:<pseudonym>`` for a raw sample identifier (barcode, specimen id)."""
        return f"{SAMPLE_PREFIX}:{self.pseudonym('sample', raw, dataset)}"

    def _digest(self, kind: str, text: str) -> str:
        mac = hmac.new(self.key, f"{kind}\0{text}".encode(), hashlib.sha256).digest()
        return base64.b32encode(mac).decode("ascii").lower().rstrip("=")


def read_key(key_file: str | Path | None = None) -> bytes:
    """The key from the option, else the environment; a clear error when none is set.

    A key file must be private to its owner (no group or other permission bits) and a
    key must hold at least :data:`KEY_FILE_BYTES` bytes that look random: anyone who
    can read the key, or guess it, can recompute every pseudonym from a list of MRNs.
    """
    if key_file is None:
        if os.environ.get(KEY_ENV):
            key = os.environ[KEY_ENV].strip().encode()
            check_key_strength(key, f"the key in {KEY_ENV}")
            return key
        key_file = os.environ.get(KEY_FILE_ENV) or None
    if key_file is None:
        raise PrivacyError(HOW_TO_SET_KEY)
    path = Path(key_file).expanduser()
    try:
        mode = path.stat().st_mode
        key = path.read_bytes().strip()
    except OSError as error:
        raise PrivacyError(
            f"cannot read the pseudonymisation key file {path}: {error.strerror}"
        ) from None
    if mode & 0o077:
        raise PrivacyError(
            f"the pseudonymisation key file {path} is readable by others (mode "
            f"{mode & 0o777:o}); make it private with `chmod 600 {path}`"
        )
    check_key_strength(key, f"the key in {path}")
    return key


def check_key_strength(key: bytes, what: str) -> None:
    """Refuses a configured key shorter than 32 bytes or plainly not random (``aaaa…``).

    A hex key (what ``keygen`` writes) counts the bytes it encodes. "Random" is checked
    loosely (varied symbols, none dominating): it catches typed or repeated keys, not a
    weak generator.
    """
    text = key.decode("ascii", "replace")
    try:
        raw = bytes.fromhex(text) if len(text) % 2 == 0 else key
    except ValueError:
        raw = key
    most = max((raw.count(b) for b in set(raw)), default=0)
    if len(raw) < KEY_FILE_BYTES or len(set(raw)) < 12 or most > len(raw) // 4:
        raise PrivacyError(
            f"{what} is too short or not random (at least {KEY_FILE_BYTES} random bytes "
            "needed): create one with `kgtwin patient keygen FILE`"
        )


def pseudonymiser(key_file: str | Path | None = None) -> Pseudonymiser:
    """A :class:`Pseudonymiser` with the configured key (see module docs for where from)."""
    return Pseudonymiser(read_key(key_file))


def write_key(path: str | Path, text: str | None = None) -> Path:
    """Writes a fresh random key (readable by its owner only); refuses to overwrite one.

    ``text`` is only for the demo's public key (:mod:`kgtwin.demo.patients`)."""
    path = Path(path).expanduser()
    if path.exists():
        raise PrivacyError(f"{path} exists; kgtwin never overwrites a pseudonymisation key")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write((text or secrets.token_hex(32)) + "\n")
    return path


def parse_allow(value: str | None) -> frozenset[str]:
    """``"identifiers,names"`` -> the set, refusing anything not on the allow-list."""
    if not value:
        return frozenset()
    wanted = {v.strip() for v in value.split(",") if v.strip()}
    unknown = wanted - ALLOWABLE
    if unknown:
        raise PrivacyError(
            f"cannot allow {', '.join(sorted(unknown))}: allowable are "
            f"{', '.join(sorted(ALLOWABLE))}"
        )
    return frozenset(wanted)


def age_band(years: float | int | None) -> str | None:
    """A ten-year band (``"40-49"``); everyone 90 or older shares ``"90+"``."""
    if years is None or years < 0:
        return None
    if years >= 90:
        return "90+"
    low = int(years) // 10 * 10
    return f"{low}-{low + 9}"


def age_on(birth: date, day: date) -> int:
    """Whole years between a birth date and a day (used only to compute the band)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


__all__ = [
    "ALLOWABLE",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "PrivacyError",
    "Pseudonymiser",
    "age_band",
    "age_on",
    "parse_allow",
    "pseudonymiser",
    "read_key",
    "write_key",
]

"""Every patient/omics loader is registered, documented and refuses to run without a key."""

from __future__ import annotations

import sys

import pytest
from kgtwin.loaders import loader_registry
from kgtwin.loaders.patient_base import PatientLoader

from kgtwin.privacy import KEY_ENV, PrivacyError

PATIENT_FORMATS = {"maf", "expression", "copy-number", "h5ad", "vcf", "fhir", "phenopacket",
                   "clinical-csv", "cls"}


def test_patient_formats_are_registered_and_documented():
    found = {cls.name: cls for cls in loader_registry()}
    assert set(found) >= PATIENT_FORMATS
    for name in PATIENT_FORMATS:
        cls = found[name]
        assert issubclass(cls, PatientLoader)
        assert cls.description and len(cls.description) < 90
        assert cls.__doc__ and sys.modules[cls.__module__].__doc__


@pytest.mark.parametrize("name", sorted(PATIENT_FORMATS))
def test_no_key_no_load(name, monkeypatch, data):
    monkeypatch.delenv(KEY_ENV)
    cls = next(c for c in loader_registry() if c.name == name)
    with pytest.raises(PrivacyError, match="no pseudonymisation key is configured"):
        cls([data / "mutations.maf"])

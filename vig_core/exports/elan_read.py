"""An ELAN file someone uploaded, read safely (for :mod:`.elan_import`).

It is parsed by defusedxml first (entities and document types refused, never
expanded) and only then by pympi, in memory: the file holds clinical notes that
must not go into a temporary file. Anything wrong with it is one plain
ValidationError.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException
from pympi import Elan

from vig_core.errors import ValidationError

MAX_EAF_BYTES = 20_000_000
PARSE_CHUNK = 256 * 1024  # bytes parsed between two progress reports
NOT_ELAN = "This is not an ELAN file (.eaf); choose the file ELAN saved."
DAMAGED = "This ELAN file is damaged or in a form that cannot be read; open it in ELAN, save it again and retry."
XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"  # pympi insists on it

Progress = Callable[[float], None]  # told the fraction done; may raise to stop the work


def no_progress(_fraction: float) -> None:
    pass


def read_eaf(data: bytes, progress: Progress = no_progress) -> Elan.Eaf:
    """The uploaded ELAN document, or a plain ValidationError for anything else (never another exception,
    but for what ``progress`` raises)."""
    if len(data) > MAX_EAF_BYTES:
        raise ValidationError(f"This file is too large for an ELAN file ({len(data) / 1e6:.0f} MB; "
                              f"the limit is {MAX_EAF_BYTES / 1e6:.0f} MB); choose the .eaf file ELAN saved.")
    if not data.strip():
        raise ValidationError("This file is empty; choose the .eaf file ELAN saved.")
    parser = SafeTree.XMLParser(target=ElementTree.TreeBuilder(), forbid_dtd=True)
    for start in range(0, len(data), PARSE_CHUNK):
        with _refused_as_xml():
            parser.feed(data[start:start + PARSE_CHUNK])
        progress(0.9 * min(1.0, (start + PARSE_CHUNK) / len(data)))
    with _refused_as_xml():
        root = parser.close()
    if root.tag != "ANNOTATION_DOCUMENT":
        raise ValidationError(NOT_ELAN)
    try:
        eaf = _pympi_eaf(root)
    except Exception as error:  # pympi reports a bad document with whatever its code trips on
        raise ValidationError(DAMAGED) from error
    times = eaf.timeslots
    if any(t is not None and t < 0 for t in times.values()) or any(
            a[0] not in times or a[1] not in times for tier in eaf.tiers.values() for a in tier[0].values()):
        raise ValidationError(DAMAGED)
    progress(1.0)
    return eaf


@contextmanager
def _refused_as_xml() -> Iterator[None]:
    """Whatever the XML parser trips on, as a plain ValidationError."""
    try:
        yield
    except DefusedXmlException as error:
        raise ValidationError("This file declares XML entities or a document type, which ELAN files never do; "
                              "it was not read, for safety.") from error
    except Exception as error:  # expat's ParseError, an unknown encoding's LookupError, ...
        raise ValidationError(NOT_ELAN) from error


def _pympi_eaf(root: ElementTree.Element) -> Elan.Eaf:
    """pympi's own reader, run on the tree defusedxml parsed.

    pympi reads only from a path, and the file holds clinical notes that must not go into a temporary file, so
    its ``parse_eaf`` is run as a copy whose ``etree.parse`` hands back this tree. Nothing shared is patched, so
    it is safe with several sessions at once.
    """
    root.attrib.setdefault(XSI_LOCATION, "")
    eaf = Elan.Eaf()  # then emptied of the defaults a new document gets, as pympi's reader expects
    for part in (eaf.tiers, eaf.linguistic_types, eaf.constraints, eaf.properties):
        part.clear()
    reader = types.SimpleNamespace(parse=lambda _path: ElementTree.ElementTree(root), ParseError=ElementTree.ParseError)
    parse_eaf = types.FunctionType(Elan.parse_eaf.__code__, {**vars(Elan), "etree": reader})
    parse_eaf("", eaf, suppress_version_warning=True)
    return eaf

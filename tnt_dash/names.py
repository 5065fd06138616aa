"""How names are compared: a column header, a place name or an alias matches whatever its case,
accents, spaces and punctuation."""
from __future__ import annotations

import re
import unicodedata
from typing import Any


def norm_header(text: Any) -> str:
    """'Date des faits ' -> 'date_des_faits': case, accents, spaces and punctuation do not matter."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# Words that only say what kind of unit a name is: "Unity State", "Province du Nord-Kivu",
# "Région de l'Ouest", "District of Prishtina" match "Unity", "Nord-Kivu", "Ouest", "Prishtina".
_UNIT_WORDS = r"(?:province|provincia|region|state|etat|prefecture|departement|department|district|county|governorate|wilaya)"
_LEADING = re.compile(rf"^{_UNIT_WORDS}_(?:(?:of|de|du|d|de_la|de_l|del)_)?")
_TRAILING = re.compile(rf"_{_UNIT_WORDS}$")


def admin1_key(name: Any) -> str:
    """The form admin-1 names and aliases are compared in: as norm_header, and a leading or trailing
    word naming the unit type does not matter either."""
    key = norm_header(name)
    return _TRAILING.sub("", _LEADING.sub("", key)) or key

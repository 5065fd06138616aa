#!/usr/bin/env bash
# Extract translatable strings into tnt_dash/locale/messages.pot and merge them into the
# French catalogue (tnt_dash/locale/fr/LC_MESSAGES/messages.po). Safe to run repeatedly:
# the .pot and .po are only rewritten when a message changed (not just the timestamp).
#
#   bash scripts/update_catalogue.sh          # then translate new entries in fr/messages.po
#
# Extraction scope is babel.cfg: tnt_dash/**.py, pages/**.py and app.py (never tests/ or scripts/).
# Keywords: _ and ngettext (Babel defaults), gettext (also t.gettext(...)) and N_ (deferred markers).
# Messages using str.format() keep their {placeholders} verbatim and get a python-brace-format flag.
# The .mo files are compiled on first use by tnt_dash.i18n (and `make locales`); they are git-ignored.
set -euo pipefail

cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-pybabel}
LOCALE_DIR=tnt_dash/locale
POT=$LOCALE_DIR/messages.pot
LANGS=${LANGS:-fr}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PYBABEL" -q extract -F babel.cfg -k N_ -k gettext \
    -o "$tmp/messages.pot" --no-location --sort-output --project tnt-dash \
    --add-comments=TRANSLATORS: .

# Keep the committed template unless a message changed (ignore the creation-date header).
strip_date() { grep -v '^"POT-Creation-Date:' "$1"; }
if [[ -f $POT ]] && diff -q <(strip_date "$POT") <(strip_date "$tmp/messages.pot") >/dev/null; then
    echo "template unchanged: $POT"
else
    mkdir -p "$LOCALE_DIR"
    cp "$tmp/messages.pot" "$POT"
    echo "template written: $POT ($(grep -c '^msgid ' "$POT") entries incl. header)"
fi

for lang in $LANGS; do
    po=$LOCALE_DIR/$lang/LC_MESSAGES/messages.po
    if [[ ! -f $po ]]; then
        "$PYBABEL" -q init -i "$POT" -d "$LOCALE_DIR" -l "$lang"
        echo "catalogue created: $po"
    elif "$PYBABEL" -q update -i "$POT" -d "$LOCALE_DIR" -l "$lang" --no-fuzzy-matching \
            --ignore-obsolete --ignore-pot-creation-date --check >/dev/null 2>&1; then
        echo "catalogue up to date: $po"
        continue
    else
        "$PYBABEL" -q update -i "$POT" -d "$LOCALE_DIR" -l "$lang" --no-fuzzy-matching --ignore-obsolete
        echo "catalogue updated: $po"
    fi
    # List what still needs a translator, so a new string cannot slip through unnoticed.
    python3 - "$po" <<'PY'
import sys
from babel.messages.pofile import read_po
with open(sys.argv[1], "rb") as f:
    catalog = read_po(f)
todo = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
for msgid in todo:
    print(f"  untranslated: {msgid!r}")
print(f"  {len([m for m in catalog if m.id])} messages, {len(todo)} to translate")
PY
done

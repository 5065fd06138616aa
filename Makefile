PYTHON ?= python3
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: install run test locales browser clean-store

install:
	$(PYTHON) -m pip install -q -r requirements.txt

# Debian's Chromium drives the browser tests (no browser download is possible offline).
browser:
	@{ command -v chromium >/dev/null 2>&1 && [ -d /usr/share/fonts/truetype/dejavu ]; } || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "browser tests need Debian's chromium and fonts-dejavu-core: sudo apt-get install -y chromium fonts-dejavu-core"; fi; }

locales:
	$(PYTHON) -c "from tnt_dash.i18n import compile_catalogues; compile_catalogues()"

run: install locales
	$(PYTHON) -c "from tnt_dash.seed import ensure_store; print('store:', ensure_store())"
	$(PYTHON) -m streamlit run app.py

test: install browser locales
	$(PYTHON) -m pytest -q -n 2

clean-store:
	rm -f data/tnt.duckdb data/tnt.duckdb.wal

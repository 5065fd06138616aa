PYTHON ?= python3
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: install run test locales browser clean-store

install:
	$(PYTHON) -m pip install -q -r requirements.txt

# Debian's Chromium drives the browser tests (no browser download is possible offline); Debian's
# nginx (with its brotli filter) is the reverse proxy of the scale-out test (deploy/nginx/).
browser:
	@{ command -v chromium >/dev/null 2>&1 && [ -d /usr/share/fonts/truetype/dejavu ] && [ -x /usr/sbin/nginx ] \
	   && [ -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; } || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core \
	    nginx libnginx-mod-http-brotli-filter >/dev/null; \
	  else echo "browser tests need Debian's chromium, fonts-dejavu-core and nginx: sudo apt-get install -y chromium \
	fonts-dejavu-core nginx libnginx-mod-http-brotli-filter"; fi; }

locales:
	$(PYTHON) -c "from tnt_dash.i18n import compile_catalogues; compile_catalogues()"

run: install locales
	$(PYTHON) -c "from tnt_dash.seed import ensure_store; print('store:', ensure_store())"
	$(PYTHON) -m streamlit run app.py

test: install browser locales
	$(PYTHON) -m pytest -q -n 2

clean-store:
	rm -rf data/tnt.duckdb data/tnt.duckdb.wal data/tnt.duckdb.snapshots data/tnt.duckdb.lock

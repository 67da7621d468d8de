# tegn -- the two commands a newcomer needs are `make demo` and `make test`.
# This Makefile only wraps CMake; it installs missing Debian packages first.

BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
ASAN      ?= build-asan
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_OPT ?=

DEB_PKGS = build-essential cmake pkg-config liblua5.4-dev libsqlite3-dev libcsv-dev \
           libjansson-dev zlib1g-dev libcmocka-dev libedit-dev libicu-dev sqlite3 python3 python3-jsonschema \
           clang-format lua-check
# Excel in (tg_zip, tg_xlsx, tg_xls) and out (tg_xlsxw), and the readers and writers its tests
# check the workbooks with
DEB_PKGS += libzip-dev libexpat1-dev libfreexl-dev libxlsxwriter-dev python3-openpyxl
DEB_PKGS += python3-xlsxwriter libreoffice-calc-nogui
# PostgreSQL in and out (tg_pg, libpq) and the server its tests start (tests/postgres/run.sh)
DEB_PKGS += libpq-dev postgresql-15
# Parquet out (tg_parquet): its two page codecs
DEB_PKGS += libzstd-dev libsnappy-dev
# R's forecast::ets, the reference of the ETS tests (tests/unit/check_ets_ref.sh)
DEB_PKGS += r-base-core r-cran-forecast

.PHONY: all deps build install demo test test-asan test-valgrind bench bench-excel clean lint format fuzz \
        fuzz-deps fuzz-merge browser-deps report-screenshots readme-screenshot

all: build

# Install only what is missing, so repeated runs cost nothing and need no network.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	        || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/Makefile: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -DTG_WERROR=ON $(CMAKE_OPT)

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# The binary, the Lua library, the demo's scripts and datasets (PREFIX/share/tegn),
# the docs (PREFIX/share/doc/tegn) and the man page; DESTDIR stages a package.
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

# The main job: every indicator over the bundled datasets (out/indikatorer.json)
# and the summary table.
demo: build
	./$(BUILD)/tegn demo datasets

# The house habits: every C file formatted by the settled .clang-format, the
# analysis scripts clean under luacheck with the sandbox's globals
# (.luacheckrc), the editor definitions lua/tegn.d.lua clean as plain Lua 5.4, and docs that call no built feature planned and cite no
# missing file (tools/check_docs.py).
lint: deps
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h' 2>/dev/null || find engine tests bench tools -name '*.[ch]')
	luacheck --quiet --no-color scripts examples lua
	python3 tools/check_docs.py . || [ $$? = 77 ]  # 77: not a git checkout

format: deps
	clang-format -i $$(git ls-files '*.c' '*.h')

# What the report's browser tests need (tests/report/README.md): Debian's
# Chromium, poppler-utils (pdftotext for --pdf), the DejaVu fonts the
# screenshots are drawn with and Java for the Nu Html Checker; then the npm
# packages of tests/report/package-lock.json (puppeteer-core, axe-core,
# pixelmatch, pngjs, vnu-jar) into tests/report/node_modules, and the two
# Parquet readers of tests/parquet (DuckDB, hyparquet), again only when
# the lock file changed. npm comes with the machine's Node.js or, without
# one, from Debian.
BROWSER_PKGS = chromium poppler-utils fonts-dejavu-core default-jre-headless nodejs
REPORT_NPM   = tests/report/node_modules/.tegn-package-lock.json
PARQUET_NPM  = tests/parquet/node_modules/.tegn-package-lock.json

browser-deps:
	@$(MAKE) --no-print-directory DEB_PKGS="$(BROWSER_PKGS)" deps
	@command -v npm >/dev/null || $(MAKE) --no-print-directory DEB_PKGS=npm deps
	@cmp -s tests/report/package-lock.json $(REPORT_NPM) || { \
	    echo "npm ci in tests/report"; \
	    (cd tests/report && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && \
	    cp tests/report/package-lock.json $(REPORT_NPM); }
	@cmp -s tests/parquet/package-lock.json $(PARQUET_NPM) || { \
	    echo "npm ci in tests/parquet"; \
	    (cd tests/parquet && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && \
	    cp tests/parquet/package-lock.json $(PARQUET_NPM); }

# The report's reference screenshots rewritten from today's rendering
# (review them!), and the README's picture of the demo report's front page.
report-screenshots: build browser-deps
	TG_UPDATE_SCREENSHOTS=1 node tests/report/browser.mjs $(CURDIR)/$(BUILD)/tegn \
	    $(CURDIR)/datasets $(CURDIR)/$(BUILD)/report-browser

readme-screenshot: build browser-deps
	@$(MAKE) --no-print-directory DEB_PKGS=pngquant deps
	node tests/report/browser.mjs $(CURDIR)/$(BUILD)/tegn $(CURDIR)/datasets \
	    $(CURDIR)/$(BUILD)/report-browser --readme docs/rapport.png
	pngquant --force --strip --speed 1 --quality 70-95 --output docs/rapport.png docs/rapport.png

# Every test: the habits, unit tests and golden end-to-end tests (the
# report's in headless Chromium too), then the same under ASan+UBSan.
test: lint build browser-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

test-asan: deps
	cmake -S . -B $(ASAN) -DTG_WERROR=ON -DTG_SANITIZE=ON -DTG_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug $(CMAKE_OPT)
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ctest --output-on-failure -j $(JOBS)

# Unit tests under valgrind (slow; not part of `make test`).
test-valgrind: build
	@command -v valgrind >/dev/null || $(MAKE) --no-print-directory DEB_PKGS=valgrind deps
	@cd $(BUILD) && for t in test_*; do \
	    [ -x "$$t" ] || continue; echo "valgrind $$t"; \
	    TG_FIXTURES=$(CURDIR)/tests/fixtures TG_SOURCE_DIR=$(CURDIR) \
	    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	        ./$$t >/dev/null || exit 1; \
	done; echo "valgrind: no errors, no leaks"

bench: build
	sh bench/run.sh

# The Excel benchmark (bench/README.md): its peers need pandas and GNU time,
# which make test does not. BENCH_EXCEL_OPT=--shared for a shared-strings book.
bench-excel: build
	@$(MAKE) --no-print-directory DEB_PKGS="$(DEB_PKGS) python3-pandas time" deps
	/usr/bin/python3 bench/bench_excel.py --tegn $(BUILD)/tegn $(BENCH_EXCEL_OPT)

# The libFuzzer targets (tests/fuzz/README.md), built with clang, ASan and
# UBSan into $(FUZZ), each run for FUZZ_SECONDS from its committed corpus.
# New inputs go to $(FUZZ)/corpus_<name>, a crash to $(FUZZ)/crash-<sha1>.
# `make fuzz FUZZ_SECONDS=3600` is a long run; .ci/run makes a short one.
FUZZ         ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= csv expr xlsx

# clang, and libFuzzer's runtime, which Debian ships apart (a Recommends of
# clang, so --no-install-recommends leaves it out).
fuzz-deps:
	@$(MAKE) --no-print-directory DEB_PKGS="$(DEB_PKGS) clang" deps
	@echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return (int)(d[0] & n); }' \
	    | clang -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null \
	    || $(MAKE) --no-print-directory \
	        DEB_PKGS="libclang-rt-$$(clang -dumpversion | cut -d. -f1)-dev" deps

fuzz: fuzz-deps
	CC=clang cmake -S . -B $(FUZZ) -DTG_FUZZ=ON -DTG_BENCH=OFF $(CMAKE_OPT)
	cmake --build $(FUZZ) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ)/corpus_$$t; \
	    echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    ml=4096; [ $$t != xlsx ] || ml=8192; \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	    ./$(FUZZ)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$$ml -timeout=10 \
	        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ)/ \
	        $(FUZZ)/corpus_$$t tests/fuzz/corpus_$$t 2>$(FUZZ)/fuzz_$$t.log \
	        || { tail -40 $(FUZZ)/fuzz_$$t.log; exit 1; }; \
	    grep -E '^stat::number_of_executed_units|DONE' $(FUZZ)/fuzz_$$t.log; \
	done

# Folds what `make fuzz` found into the committed corpus, minimised: the
# fewest inputs that reach the same edges (-use_counters=0: hit counts do not
# make an input worth keeping), with the seeds of tests/fuzz/seeds.py.
fuzz-merge: fuzz-deps
	CC=clang cmake -S . -B $(FUZZ) -DTG_FUZZ=ON -DTG_BENCH=OFF $(CMAKE_OPT)
	cmake --build $(FUZZ) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	    rm -rf $(FUZZ)/merged_$$t $(FUZZ)/seeds_$$t && mkdir -p $(FUZZ)/merged_$$t $(FUZZ)/corpus_$$t && \
	    python3 tests/fuzz/seeds.py $$t $(FUZZ)/seeds_$$t && \
	    ml=4096; [ $$t != xlsx ] || ml=8192; \
	    ./$(FUZZ)/fuzz_$$t -merge=1 -use_counters=0 -max_len=$$ml -timeout=10 \
	        $(FUZZ)/merged_$$t tests/fuzz/corpus_$$t $(FUZZ)/seeds_$$t $(FUZZ)/corpus_$$t \
	        2>$(FUZZ)/merge_$$t.log || { tail -20 $(FUZZ)/merge_$$t.log; exit 1; }; \
	    rm -rf tests/fuzz/corpus_$$t && mv $(FUZZ)/merged_$$t tests/fuzz/corpus_$$t && \
	    echo "tests/fuzz/corpus_$$t: $$(ls tests/fuzz/corpus_$$t | wc -l) inputs"; \
	done

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)

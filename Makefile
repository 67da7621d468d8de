# tegn -- the two commands a newcomer needs are `make demo` and `make test`.
# This Makefile only wraps CMake; it installs missing Debian packages first.

BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
ASAN      ?= build-asan
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_OPT ?=

DEB_PKGS = build-essential cmake pkg-config liblua5.4-dev libsqlite3-dev libcsv-dev \
           libjansson-dev zlib1g-dev libcmocka-dev libedit-dev sqlite3 python3 python3-jsonschema \
           clang-format lua-check

.PHONY: all deps build install demo test test-asan test-valgrind bench clean lint format

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
# (.luacheckrc), and docs that call no built feature planned and cite no
# missing file (tools/check_docs.py).
lint: deps
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h' 2>/dev/null || find engine tests bench tools -name '*.[ch]')
	luacheck --quiet --no-color scripts examples
	python3 tools/check_docs.py . || [ $$? = 77 ]  # 77: not a git checkout

format: deps
	clang-format -i $$(git ls-files '*.c' '*.h')

# Every test: the habits, unit tests and golden end-to-end tests, then the
# same under ASan+UBSan.
test: lint build
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

clean:
	rm -rf $(BUILD) $(ASAN)

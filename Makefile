# Roundtable — the two commands that matter:
#   make run    install what is missing, build, migrate, seed demo data, serve on :3000
#   make test   install what is missing, build, run every test suite (SQLite, PostgreSQL, Chromium)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(or $(ROUNDTABLE_TOOLS),$(HOME)/.cache/roundtable-tools)/node_modules/.bin:$(PATH)
# Builds live outside the clone (they are large) and are shared by every clone and by CI.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/roundtable-target
TARGET_DIR := $(CARGO_TARGET_DIR)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export TEST_DATABASE_URL
# cargo-leptos builds debug code with `--cfg erase_components`, which changes the markers in
# the server's HTML; the server that `cargo test` builds must match the WASM bundle or
# hydration fails. The same string also lets both builds share artifacts.
TEST_RUSTFLAGS := --cfg erase_components

.PHONY: run run-release test build build-release lint fmt clean-data

# Debug build: shares its artifacts with `make test`, so it is quick after the first time.
run: build
	$(TARGET_DIR)/debug/roundtable serve --demo

# Optimised build (small WASM bundle, wasm-opt), for trying the app as a phone would get it.
run-release: build-release
	$(TARGET_DIR)/release/roundtable serve --demo

test:
	scripts/bootstrap test
	cargo fmt --all -- --check
	cargo leptos build
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test --workspace --no-fail-fast

build:
	scripts/bootstrap
	cargo leptos build

build-release:
	scripts/bootstrap release
	cargo leptos build --release

lint:
	cargo fmt --all -- --check
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p roundtable-app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

fmt:
	cargo fmt --all

# Removes the local SQLite database, key file and development mail folder.
clean-data:
	rm -rf data

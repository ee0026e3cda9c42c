# Roundtable — the two commands that matter:
#   make run    install what is missing, build (release), migrate, seed demo data, serve on :3000
#   make test   install what is missing, build, run every test suite (SQLite, PostgreSQL, Chromium)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(or $(ROUNDTABLE_TOOLS),$(HOME)/.cache/roundtable-tools)/node_modules/.bin:$(PATH)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export TEST_DATABASE_URL

.PHONY: run test build build-release lint fmt bench clean-data

run: build-release
	@mkdir -p data
	$(TARGET_DIR)/release/roundtable serve --demo

test:
	scripts/bootstrap test
	cargo leptos build
	cargo test --workspace --no-fail-fast

build:
	scripts/bootstrap
	cargo leptos build

build-release:
	scripts/bootstrap release
	cargo leptos build --release

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p roundtable-app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

fmt:
	cargo fmt --all

# Removes the local SQLite database, key file and development mail folder.
clean-data:
	rm -rf data

# Slate: `make run` opens the editor, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
GO ?= go
export LANG := en_US.UTF-8
# One set of build tags for build, test and vet, so the cgo cache is paid once.
TAGS ?=
GOFLAGS_ALL := -tags=$(TAGS)
BIN := bin

# Debian 12 packages: cgo toolchain, GLFW/X11 headers (Fyne, Ebiten), ALSA (player audio),
# a virtual display and screenshots for UI tests, ffmpeg for decode/encode, melt as the
# render peer, espeak-ng for temp dialogue.
DEB_PACKAGES := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libasound2-dev \
	xvfb xauth xdotool imagemagick ffmpeg melt espeak-ng locales

.PHONY: deps build run test bench lint e2e clean

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@if ! locale -a 2>/dev/null | grep -qi '^en_US.utf8$$'; then \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		echo "make deps: generating the en_US.UTF-8 locale"; \
		$$sudo sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && $$sudo locale-gen >/dev/null; \
	fi

build: deps
	$(GO) build $(GOFLAGS_ALL) -o $(BIN)/ ./cmd/...

run: build
	./$(BIN)/slate $(ARGS)

# Tests that need a display (the Fyne window, the Ebiten player) get one from xvfb-run.
test: deps
	$(GO) vet $(GOFLAGS_ALL) ./...
	xvfb-run -a -s "-screen 0 1280x800x24" $(GO) test $(GOFLAGS_ALL) -timeout 40m ./...
	$(MAKE) e2e

# The end-to-end script drives a real editor window with xdotool and saves screenshots.
e2e: build
	xvfb-run -a -s "-screen 0 1280x800x24" test/e2e.sh

bench: deps
	xvfb-run -a -s "-screen 0 1280x800x24" $(GO) test $(GOFLAGS_ALL) -run '^$$' -bench . -count 3 -timeout 60m ./... | tee bench.txt
	@echo "figures saved in bench.txt"

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(GOFLAGS_ALL) ./...

clean:
	rm -rf $(BIN) bench.txt

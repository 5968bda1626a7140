# Sourced by the tests that need tshark (tests/trace/tshark_test.sh,
# tests/replay/replay_tshark_test.sh): installs it when missing and possible (root with apt-get),
# else exits 77 (skipped) with a word why.
if ! command -v tshark >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    # tshark's package asks whether non-root users may capture: answer no, without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections || true
    install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tshark >/dev/null 2>&1; }
    install || { apt-get update -qq >/dev/null 2>&1 && install; } || true
  fi
  if ! command -v tshark >/dev/null 2>&1; then
    echo "SKIP: tshark is not installed and cannot be installed here (tools/install-deps.sh installs it)"
    exit 77
  fi
fi

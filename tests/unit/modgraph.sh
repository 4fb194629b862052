#!/bin/sh
# SPDX-License-Identifier: MIT
# The module graph has no circle: for each object, the objects whose
# symbols it uses (nm -u against nm's definitions), walked depth first.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
dir=${1:-build}
t_python
for o in "$dir"/*.o; do
	case $o in */test_*|*/delegate-*) continue ;; esac
	m=$(basename "$o" .o)
	nm --defined-only -g "$o" | awk -v m="$m" 'NF == 3 { print "def", m, $3 }'
	nm -u "$o" | awk -v m="$m" '{ print "use", m, $NF }'
done | "$PYTHON" -c '
import sys
defs, uses = {}, {}
for line in sys.stdin:
    kind, mod, sym = line.split()
    if kind == "def":
        defs[sym] = mod
    else:
        uses.setdefault(mod, set()).add(sym)
graph = {m: sorted({defs[s] for s in syms if s in defs and defs[s] != m})
         for m, syms in uses.items()}
state, path = {}, []
def visit(m):
    state[m] = 1
    path.append(m)
    for n in graph.get(m, []):
        if state.get(n) == 1:
            sys.exit("modgraph: a circle: " + " -> ".join(path[path.index(n):] + [n]))
        if not state.get(n):
            visit(n)
    path.pop()
    state[m] = 2
for m in sorted(graph):
    if not state.get(m):
        visit(m)
print("modgraph: %d modules, no circle" % len(graph))
'

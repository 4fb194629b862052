#!/bin/zsh -f
# SPDX-License-Identifier: MIT
# Drives an interactive SHELL (bash or zsh) in a pseudo-terminal (zsh/zpty):
# for each line of CASES it types the text, presses TAB, and prints what
# the shell offered (the listing, blanks squeezed) and the line after the
# TAB.  Run by tests/blackbox/completion.sh, which sets up DIR:
#   DIR/bin/swanctl        the client under test, first on PATH
#   DIR/stage              make install DESTDIR=DIR/stage PREFIX=/usr
#   DIR/events             the list-sa events fakevici serves
#   DIR/SOCKET.events      ... on SOCKET instead, where it exists
#   DIR/strongswan.conf    STRONGSWAN_CONF
# The shell runs in DIR/SHELL, which holds a.opts and sub/ only.
# CASES lines: "SOCKET TEXT|": SOCKET is - (no daemon) or the name of a
# socket in DIR/SHELL on which fakevici serves one --list-sas; TEXT ends at
# "|".
#   usage: completion.zsh SHELL DIR CASES
zmodload zsh/zpty zsh/datetime || exit 1
emulate -L zsh
setopt extended_glob
shell=$1 dir=$2 cases=$3
FAKEVICI=${FAKEVICI:-build/fakevici}
FAKEVICI=${FAKEVICI:a}
marker=$'\C-x\C-l'

# the shell's set-up: a plain prompt, one TAB lists every candidate (one per
# line in bash), and ^X^L prints the line between markers
if [[ $shell == bash ]]; then
	cat >$dir/rc.$shell <<-'EOT'
	PS1='PROMPT> '
	if [ -r /usr/share/bash-completion/bash_completion ]; then
		. /usr/share/bash-completion/bash_completion
	else
		. "$STAGE/usr/share/bash-completion/completions/swanctl"
	fi
	bind 'set show-all-if-ambiguous on'
	bind 'set completion-display-width 0'
	bind 'set completion-query-items 0'
	bind 'set page-completions off'
	bind 'set bell-style none'
	bind -x '"\C-x\C-l": printf "<<LINE:%s:LINE>>" "$READLINE_LINE"'
	EOT
	cmd=(bash --rcfile $dir/rc.bash --noprofile -i)
else
	cat >$dir/rc.$shell <<-'EOT'
	PS1='PROMPT> '
	# zsh's own directories (Debian's _swanctl among them) after ours; the
	# machine's site-functions and vendor-completions are left out
	fpath=($STAGE/usr/share/zsh/vendor-completions
		${fpath:#(/usr/local/share/zsh/site-functions|/usr/share/zsh/vendor-completions)})
	autoload -Uz compinit && compinit -u -d $HOME/../zcompdump
	unsetopt list_ambiguous
	setopt no_beep
	show-line() { print -rn -- "<<LINE:$BUFFER:LINE>>" }
	zle -N show-line
	bindkey '^X^L' show-line
	EOT
	cmd=(zsh -f -i)
fi

mkdir -p $dir/$shell/sub && : >$dir/$shell/a.opts || exit 1
export HOME=$dir/$shell XDG_DATA_DIRS=$dir/stage/usr/share STAGE=$dir/stage
export PATH=$dir/bin:$PATH STRONGSWAN_CONF=$dir/strongswan.conf
export TERM=vt100 COLUMNS=200 LINES=50 LC_ALL=C
cd $dir/$shell || exit 1
zpty sh "${(q)cmd[@]}" || exit 1
[[ $shell == zsh ]] && zpty -w sh ". $dir/rc.zsh"
zpty -w -n sh $marker
zpty -r sh out '*:LINE>>' || exit 1

# the events, in fakevici's notation
load_events() {
	events=( ${(f)"$(<$1)"} )
	events=( event:list-sa:${^events} )
}

while IFS= read -r case; do
	[[ $case == '#'* || -z $case ]] && continue
	sock=${case%% *} text=${${case#* }%|}
	print -r -- "## ${text}<TAB>"
	[[ -n ${TIMES:-} ]] && print -u2 "$EPOCHREALTIME $text"
	if [[ $sock != - ]]; then
		load_events $dir/events
		[[ -r $dir/$sock.events ]] && load_events $dir/$sock.events
		$FAKEVICI $sock read confirm read $events reply: read confirm drain
	fi
	zpty -w -n sh "$text$marker"
	zpty -r sh out '*:LINE>>' || exit 1
	zpty -w -n sh $'\t'$marker
	zpty -r sh out '*:LINE>>' || exit 1
	[[ -n ${RAW:-} ]] && print -r -- "${(q+)out//$'\0'/}"
	line=${${out##*<<LINE:}%:LINE>>}
	out=${out%<<LINE:*}
	# the listing starts on the line after the edit line (a newline; the
	# edit line itself is redrawn after carriage returns only) and ends
	# where zsh moves the cursor back up to the edit line
	out=${out%%$'\e['[0-9]#A*}
	out=${out//$'\e'\[[0-9\;?]#[A-Za-z]/}
	out=${out//$'\e'[=>]/}
	out=${out//[$'\a\0']/}
	lines=( "${(@ps:\n:)out}" )
	for l in "${(@)lines[2,-1]}"; do
		l=${${l%$'\r'}##*$'\r'}
		l=${${l## ##}%% ##}
		[[ -z $l || $l == 'PROMPT> '* ]] && continue
		print -r -- ${l// ##/ }
	done
	print -r -- "> $line"
	zpty -w -n sh $'\C-u'$marker
	zpty -r sh out '*:LINE>>' || exit 1
done <$cases
zpty -d sh

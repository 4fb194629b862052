# SPDX-License-Identifier: MIT
# bash completion for swanctl (the libc-only rekey client): commands,
# options, and the names and ids of live SAs where the socket can be read.

# _swanctl_sas OPTION [URI]: names or ids of live SAs for OPTION
_swanctl_sas()
{
	local raw
	raw=$(timeout 2 swanctl --list-sas --raw ${2:+--uri "$2"} 2>/dev/null) || return
	case $1 in
	--ike | -i) grep -o 'list-sa event {[^ ]* {' <<<"$raw" | cut -d'{' -f2 ;;
	--ike-id | -I) grep -o 'list-sa event {[^ ]* {uniqueid=[0-9]*' <<<"$raw" | cut -d= -f2 ;;
	--child | -c) grep -o '{name=[^ ]*' <<<"$raw" | cut -d= -f2 ;;
	--child-id | -C) grep -o '{name=[^ ]* uniqueid=[0-9]*' <<<"$raw" | cut -d= -f3 ;;
	esac | tr -d ' ' | sort -u
}

_swanctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd= uri= opts w i
	local globals="--uri --timeout --debug --options"

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--rekey | -R) cmd=rekey ;;
		--list-sas | -l) cmd=list ;;
		--version | -V) cmd=version ;;
		--help | -h) [ -n "$cmd" ] || cmd=help ;;
		--uri | -u) uri=${COMP_WORDS[i + 1]} ;;
		esac
	done
	case $prev in
	--uri | -u)
		COMPREPLY=($(compgen -W "unix:///var/run/charon.vici tcp://" -- "$cur"))
		return
		;;
	--options | -+)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--timeout | --debug | -v)
		return
		;;
	--child | -c | --ike | -i | --child-id | -C | --ike-id | -I)
		[ "$cmd" = rekey ] || [ "$cmd" = list ] || return
		COMPREPLY=($(compgen -W "$(_swanctl_sas "$prev" "$uri")" -- "$cur"))
		return
		;;
	esac
	case $cmd in
	rekey) opts="--child --ike --child-id --ike-id --reauth --wait --raw --pretty --json --help $globals" ;;
	list) opts="--ike --ike-id --child --child-id --noblock --raw --pretty --json --help $globals" ;;
	version) opts="--daemon $globals" ;;
	help) opts= ;;
	*) opts="--rekey --list-sas --version --help $globals" ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}

complete -F _swanctl swanctl

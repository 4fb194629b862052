# SPDX-License-Identifier: MIT
# bash completion for swanctl-rekey's swanctl: commands, options, and the
# names and ids of the SAs charon reports on the socket the command line
# names.  The commands and options are the ones the client's own usage
# lists ("swanctl --help", "swanctl --COMMAND --help"), read at each TAB,
# so a command or an option the client gains is completed with no edit
# here; what is kept here is how to complete a value (by option name) and
# the one rule no synopsis shows (--reauth is of IKE_SAs).  The words are
# taken from the line itself, not from COMP_WORDS, so that "--uri
# unix:///run/x" and "--opt=value" stay one word whatever COMP_WORDBREAKS
# holds; bash-completion is not needed.  Debian ships no bash completion
# for strongSwan's swanctl: the commands this client hands to it
# (--load-all, --initiate...) are completed here too, each with the
# options that strongSwan's "swanctl --COMMAND --help" lists.

# _swanctl_rekey_str TEXT [HEX]: into REPLY, the bytes of a JSON string's
# TEXT as this client prints it (\" \\ \n \t \u00XX; here \" as \002 and
# \\ as \001), or with HEX, of the hex digits in it ({"":"HEX"}: not
# UTF-8); 1 for what no command line can carry (a NUL)
_swanctl_rekey_str()
{
	local s=$1 x='' k
	if [ -n "${2:-}" ]; then
		[[ $s =~ ^([0-9a-f]{2})*$ ]] || return 1
		for ((k = 0; k < ${#s}; k += 2)); do
			[[ ${s:k:2} != 00 ]] || return 1
			x+="\\x${s:k:2}"
		done
		s=$x
	else
		[[ $s != *\\u0000* ]] || return 1
		s=${s//$'\002'/\\x22}
		s=${s//$'\001'/\\\\}
	fi
	printf -v REPLY '%b' "$s"
}

# _swanctl_rekey_name CUR: print REPLY quoted for the shell (printf %q) if
# it or its quoted form starts with CUR
_swanctl_rekey_name()
{
	local q
	printf -v q '%q' "$REPLY"
	[[ $REPLY == "$1"* || $q == "$1"* ]] && printf '%s\n' "$q"
}

# _swanctl_rekey_live KIND PROGRAM URI CUR: the names (KIND ike or child)
# or unique ids (ike-id, child-id) starting with CUR of the SAs charon
# reports, asked with PROGRAM --list-sas --json, on URI if it is not
# empty; names quoted for the shell, whatever bytes charon sends in them
_swanctl_rekey_live()
{
	local out line t p i n id child cur=$4
	local -a parts
	out=$(timeout -k 1 2 "$2" --list-sas --json --timeout 1 \
		${3:+--uri "$3"} 2>/dev/null </dev/null)
	# one IKE_SA a line: {"NAME":{"uniqueid":"N",...,"child-sas":{"KEY":
	# {"name":"C","uniqueid":"M",...}}}}.  With \\ and \" set aside (the
	# output holds no control characters), the quotes split it into what
	# lies between the strings (even parts) and the strings (odd parts),
	# so no text inside a name is ever read as a key.  String I is part
	# 2I+1, the text after it part 2I+2.
	while IFS= read -r line; do
		line=${line//\\\\/$'\001'}
		line=${line//\\\"/$'\002'}
		IFS='"' read -r -a parts <<<"$line"
		n=$((${#parts[@]} / 2)) id='' child=''
		[[ $n -gt 0 && ${parts[0]} == '{' ]] || continue
		if [[ $1 == ike ]]; then
			_swanctl_rekey_str "${parts[1]}" && _swanctl_rekey_name "$cur"
			continue
		fi
		for ((i = 1; i < n; i++)); do
			t=${parts[2 * i + 1]} p=${parts[2 * i + 2]-}
			if [[ $p == ':' ]]; then # a key and its string value
				case $1:$child:$t in
				ike-id::uniqueid)
					[ -n "$id" ] || id=${parts[2 * i + 3]-}
					;;
				child-id:1:uniqueid) echo "${parts[2 * i + 3]-}" ;;
				child:1:name)
					_swanctl_rekey_str "${parts[2 * i + 3]-}" &&
						_swanctl_rekey_name "$cur"
					;;
				esac
				((i++))
			elif [[ $p == ':{' && -z ${parts[2 * i + 3]-x} &&
				${parts[2 * i + 4]-} == ':' ]]; then # not UTF-8
				[[ $1:$child:$t == child:1:name ]] &&
					_swanctl_rekey_str "${parts[2 * i + 5]-}" hex &&
					_swanctl_rekey_name "$cur"
				((i += 2))
			elif [[ $t == child-sas && $p == ':{' ]]; then
				child=1
			fi
		done
		[[ -z $id ]] || echo "$id"
	done <<<"$out" | if [[ $1 == *-id ]]; then
		grep -E "^${cur//[^0-9]/x}[0-9]*\$" | sort -n -u
	else
		sort -u
	fi
}

# _swanctl_rekey_value OPTION VALUE PROGRAM URI: candidates for the argument
# of OPTION (a long name)
_swanctl_rekey_value()
{
	local f
	case $1 in
	--uri)
		if [[ $2 == unix://?* ]]; then
			# a path: directories and sockets, quoted for the shell
			while IFS= read -r f; do
				if [ -d "$f" ]; then
					printf 'unix://%q/\n' "$f"
				elif [ -S "$f" ]; then
					printf 'unix://%q\n' "$f"
				fi
			done < <(compgen -f -- "${2#unix://}")
		else
			echo unix:///var/run/charon.vici
			echo tcp://
		fi
		;;
	--debug) printf '%s\n' -1 0 1 2 3 4 ;;
	--options) compgen -f -- "$2" ;;
	--child) _swanctl_rekey_live child "$3" "$4" "$2" ;;
	--ike) _swanctl_rekey_live ike "$3" "$4" "$2" ;;
	--child-id) _swanctl_rekey_live child-id "$3" "$4" "$2" ;;
	--ike-id) _swanctl_rekey_live ike-id "$3" "$4" "$2" ;;
	esac
}

# _swanctl_rekey_usage PROGRAM [COMMAND]: what the usage PROGRAM prints
# (--help, or --COMMAND --help) lists, added to the caller's
#   cmds    the commands, "--NAME" (from rows "  swanctl --NAME (-X)  ...")
#   theirs  " --NAME ..." of those listed after "handed to ..."
#   opts    the options, "--NAME" (rows "  --NAME (-X) ARG  summary", the
#           letter and the upper-case ARG there only when it has them)
#   letter  by "--NAME": its short letter, if any
#   arg     by "--NAME": what its argument is called, empty: it takes none
#   groups  the choices of the synopsis ("--a <x> | --b", "[--c|--d]"),
#           each "--a --b": one of them at most
_swanctl_rekey_usage()
{
	local line last='' syn='' t group='' join='' handed=''
	local cmd_re='^  swanctl --([a-z][a-z-]*)( +\(-(.)\))?  '
	local opt_re='^ {2,4}--([a-z][a-z-]*)( +\(-(.)\))?( +([A-Z]+)( |$))?'
	local -a toks

	while IFS= read -r line; do
		if [[ $line == 'handed to '* ]]; then
			handed=1
		elif [[ $line =~ $cmd_re ]]; then
			last=--${BASH_REMATCH[1]}
			cmds+=("$last")
			letter[$last]=${BASH_REMATCH[3]}
			[ -z "$handed" ] || theirs+="$last "
		elif [[ $line =~ $opt_re ]]; then
			last=--${BASH_REMATCH[1]}
			opts+=("$last")
			letter[$last]=${BASH_REMATCH[3]}
			arg[$last]=${BASH_REMATCH[5]}
		elif [[ -z $last && $line == ' '* ]]; then
			syn+=" $line"
		fi
	done < <(timeout -k 1 2 "$1" ${2:+"--$2"} --help 2>/dev/null </dev/null)
	syn=${syn//[][]/ }
	read -ra toks <<<"${syn//|/ | }"
	for t in "${toks[@]}" ''; do
		case $t in
		'|') join=1 ;;
		--* | '')
			if [[ -n $join && -n $t ]]; then
				group+=" $t"
			else
				[[ $group != *' '* ]] || groups+=("$group")
				group=$t
			fi
			join=
			;;
		esac
	done
}

# _swanctl_rekey_handed PROGRAM COMMAND: the long options of one of the
# commands handed to strongSwan's swanctl, as its usage lists them
# ("  --child  (-c)  ..."); PROGRAM hands "--COMMAND --help" over, and
# strongSwan's prints the usage on stderr.  Not _swanctl_rekey_usage: its
# option rows are indented as deep as our synopsis lines, and it names no
# arguments.
_swanctl_rekey_handed()
{
	local line re='^ +(--[a-z][a-z-]*) +\(-.\) '
	while IFS= read -r line; do
		[[ $line =~ $re ]] && echo "${BASH_REMATCH[1]}"
	done < <(timeout -k 1 2 "$1" "--$2" --help 2>&1 </dev/null)
}

# _swanctl_rekey_find WORD NAME...: into REPLY, the NAME ("--child") that
# the option WORD gives: by its letter (-c, -cVALUE), its whole name or a
# prefix only one NAME has (--ch=VALUE); empty if none
_swanctl_rekey_find()
{
	local w=$1 x
	shift
	REPLY=
	case $w in
	--*)
		w=${w%%=*}
		for x; do
			if [[ $x == "$w" ]]; then
				REPLY=$x
				return
			fi
			[[ $x == "$w"* ]] && REPLY+=" $x"
		done
		[[ $REPLY == ' '*' '* ]] && REPLY=
		REPLY=${REPLY# }
		;;
	-?*)
		for x; do
			if [[ ${letter[$x]} == "${w:1:1}" ]]; then
				REPLY=$x
				return
			fi
		done
		;;
	esac
}

_swanctl_rekey()
{
	local line=${COMP_LINE:0:COMP_POINT} cur prefix='' cmd='' uri='' want=''
	local w i n o g c x prog seen=' ' theirs=' ' handed=''
	local -a words cands cmds opts groups
	local -A letter arg

	# the usage's upper-case ARG and the letters -c/-C: case matters
	if shopt -q nocasematch; then
		shopt -u nocasematch
		_swanctl_rekey
		shopt -s nocasematch
		return 0
	fi
	read -ra words <<<"$line"
	[[ ${#words[@]} -eq 0 || $line == *[[:space:]] ]] && words+=("")
	n=$((${#words[@]} - 1))
	cur=${words[n]}
	prog=${words[0]}
	# shellcheck disable=SC2088 # a tilde as typed, expanded here
	[[ $prog == '~/'* ]] && prog=$HOME/${prog#'~/'}
	# "sudo swanctl" where the user's PATH has no sbin
	if [[ $prog != */* ]] && ! type -P "$prog" >/dev/null; then
		x=$(PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin type -P "$prog") &&
			prog=$x
	fi
	# the commands and the global options
	_swanctl_rekey_usage "$prog"

	# the command is the first command option; global options may stand
	# before or after it, as the client reads them
	for ((i = 1; i < n; i++)); do
		w=${words[i]}
		# -u as the first option is strongSwan's --uninstall
		if ((i == 1)) && [[ $w == -u* ]]; then
			cmd=--uninstall handed=uninstall
			continue
		fi
		if [ -z "$cmd" ]; then
			# -v before a command is --version, as strongSwan's
			[[ $w == -v* ]] && w=-V
			# a prefix is the client's if only one option or
			# command has it
			_swanctl_rekey_find "$w" "${opts[@]}" "${cmds[@]}"
		else
			_swanctl_rekey_find "$w" "${opts[@]}"
		fi
		o=$REPLY
		if [[ -n $o && -z $cmd && " ${cmds[*]} " == *" $o "* ]]; then
			cmd=$o
			if [[ $theirs == *" $cmd "* ]]; then
				handed=${cmd#--}
			elif [ -n "$cmd" ]; then
				# its own options, the global ones among them
				opts=() groups=()
				_swanctl_rekey_usage "$prog" "${cmd#--}"
			fi
			continue
		fi
		seen+="${o:-${w%%=*}} "
		[[ -n $o && -n ${arg[$o]} ]] || continue
		# its value: "--uri=X", "-uX", or the next word
		if [[ $w == --*=* ]]; then
			x=${w#*=}
		elif [[ $w == -[^-]?* ]]; then
			x=${w:2}
		else
			x=${words[i + 1]}
			((i + 1 == n)) && want=$o
			((i++))
		fi
		[[ $o == --uri ]] && uri=$x
	done

	COMPREPLY=()
	if [ -n "$want" ]; then
		mapfile -t cands < <(_swanctl_rekey_value "$want" "$cur" \
			"$prog" "$uri")
	elif [[ $cur == --*=* ]]; then
		_swanctl_rekey_find "$cur" "${opts[@]}"
		w=$REPLY
		[[ -n $w && -n ${arg[$w]} ]] && mapfile -t cands < <(
			_swanctl_rekey_value "$w" "${cur#*=}" "$prog" "$uri" |
				sed "s|^|${cur%%=*}=|")
	elif [[ $cur == -* || -z $cur ]]; then
		if [ -n "$handed" ]; then
			opts=()
			mapfile -t opts < <(_swanctl_rekey_handed "$prog" "$handed")
		elif [ -z "$cmd" ]; then
			opts+=("${cmds[@]}")
		fi
		# not an option twice, nor two of a choice of the synopsis
		# (--raw and --pretty: the last counts), nor what the client
		# refuses: --reauth of a CHILD_SA
		x=
		for g in "${groups[@]}"; do
			read -ra cands <<<"$g"
			for o in "${cands[@]}"; do
				[[ $seen == *" $o "* ]] && x+=" $g"
			done
		done
		cands=()
		case $cmd:$seen in
		--rekey:*' '--child*) x+=" --reauth" ;;
		--rekey:*' '--reauth' '*) x+=" --child --child-id" ;;
		esac
		for c in "${opts[@]}"; do
			[[ "$seen$x " == *" $c "* ]] || cands+=("$c")
		done
	fi
	# the live names are matched already, as they are and as quoted
	case $want:${cur%%=*} in
	--child:* | --ike:* | --child-id:* | --ike-id:* | :--child | :--ike | :--child-id | :--ike-id)
		COMPREPLY=("${cands[@]}")
		;;
	*)
		for c in "${cands[@]}"; do
			[[ $c == "$cur"* ]] && COMPREPLY+=("$c")
		done
		;;
	esac
	# unique ids in numeric order
	[[ $want == --*-id || $cur == --*-id=* ]] && compopt -o nosort 2>/dev/null
	[[ $want == --options || $cur == --options=* ]] && compopt -o filenames 2>/dev/null
	[[ ${COMPREPLY[*]} == */ || ${COMPREPLY[*]} == */\ * ]] &&
		compopt -o nospace 2>/dev/null

	# readline replaces only what follows the last COMP_WORDBREAKS
	# character of the word ("--uri=unix:" completes after the colon)
	for ((i = ${#cur}; i > 0; i--)); do
		[[ $COMP_WORDBREAKS == *"${cur:i-1:1}"* ]] && break
	done
	prefix=${cur:0:i}
	[ -z "$prefix" ] || COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
	return 0
}

complete -F _swanctl_rekey swanctl

# SPDX-License-Identifier: MIT
# bash completion for swanctl-rekey's swanctl: commands, options, and the
# names and ids of the SAs charon reports on the socket the command line
# names.  The words are taken from the line itself, not from COMP_WORDS, so
# that "--uri unix:///run/x" and "--opt=value" stay one word whatever
# COMP_WORDBREAKS holds; bash-completion is not needed.  Debian ships no
# bash completion for strongSwan's swanctl: the commands this client hands
# to it (--load-all, --initiate...) are completed here too, each with the
# options that strongSwan's "swanctl --COMMAND --help" lists.

# _swanctl_rekey_str TEXT [HEX]: into REPLY, the bytes of a JSON string's
# TEXT as this client prints it (\" \\ \n \t \u00XX; here \" as \002 and
# \\ as \001), or with HEX, of the hex digits in it ({"":"HEX"}: not
# UTF-8); 1 for what no command line can carry (a NUL)
_swanctl_rekey_str()
{
	local s=$1 x= k
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
	out=$("$2" --list-sas --json --timeout 1 ${3:+--uri "$3"} 2>/dev/null)
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
		n=$((${#parts[@]} / 2)) id= child=
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

# _swanctl_rekey_handed PROGRAM COMMAND: the long options of one of the
# commands handed to strongSwan's swanctl, as its usage lists them
# ("  --child  (-c)  ..."); PROGRAM hands "--COMMAND --help" over, and
# strongSwan's prints the usage on stderr
_swanctl_rekey_handed()
{
	local line re='^ +(--[a-z][a-z-]*) +\(-.\) '
	while IFS= read -r line; do
		[[ $line =~ $re ]] && echo "${BASH_REMATCH[1]}"
	done < <(timeout 2 "$1" "--$2" --help 2>&1 </dev/null)
}

# _swanctl_rekey_long COMMAND WORD: the long name of an option of COMMAND
# (rekey, list-sas, version) that WORD gives, if any
_swanctl_rekey_long()
{
	case $2 in
	--*) echo "${2%%=*}" ;;
	-u*) echo --uri ;;
	-v*) echo --debug ;;
	-+*) echo --options ;;
	-?*)
		case $1:${2:1:1} in
		rekey:c | list-sas:c) echo --child ;;
		rekey:i | list-sas:i) echo --ike ;;
		rekey:C | list-sas:C) echo --child-id ;;
		rekey:I | list-sas:I) echo --ike-id ;;
		rekey:a) echo --reauth ;;
		rekey:r | list-sas:r | version:r) echo --raw ;;
		rekey:P | list-sas:P | version:P) echo --pretty ;;
		list-sas:n) echo --noblock ;;
		version:d) echo --daemon ;;
		*:h) echo --help ;;
		esac
		;;
	esac
}

_swanctl_rekey()
{
	local line=${COMP_LINE:0:COMP_POINT} cur prefix='' cmd='' uri='' want=''
	local w i n
	local prog opts c x names seen=' ' handed=''
	local -a words cands
	local globals="--uri --timeout --debug --options"

	read -ra words <<<"$line"
	[[ ${#words[@]} -eq 0 || $line == *[[:space:]] ]] && words+=("")
	n=$((${#words[@]} - 1))
	cur=${words[n]}
	prog=${words[0]}
	# shellcheck disable=SC2088 # a tilde as typed, expanded here
	[[ $prog == '~/'* ]] && prog=$HOME/${prog#'~/'}

	# the command is the first command option; global options may stand
	# before or after it, as the client reads them
	names="rekey list-sas version help counters initiate terminate redirect
		uninstall install monitor-sa list-pols list-authorities list-conns
		list-certs list-pools list-algs flush-certs load-all load-authorities
		load-conns load-creds load-pools log reload-settings stats"
	for ((i = 1; i < n; i++)); do
		w=${words[i]}
		# -u as the first option is strongSwan's --uninstall
		if ((i == 1)) && [[ $w == -u* ]]; then
			cmd=other handed=uninstall
			continue
		fi
		seen+="$(_swanctl_rekey_long "$cmd" "$w") "
		case $w in
		--uri=*) uri=${w#--uri=} ;;
		-u | --uri | --timeout | -v | --debug | -+ | --options)
			case $w in
			-u | --uri) uri=${words[i + 1]} ;;
			esac
			((i + 1 == n)) && want=$w
			((i++))
			;;
		-u?*) uri=${w#-u} ;;
		--*=* | -v?* | -+?*) ;;
		*)
			if [ -z "$cmd" ]; then
				case $w in
				--*)
					# an exact name, else a unique abbreviation
					c=
					for x in $names; do
						if [[ $x == "${w#--}" ]]; then
							c=$x
							break
						fi
						[[ $x == "${w#--}"* ]] && c+=" $x"
					done
					c=${c# }
					case $c in
					*' '* | '') ;;
					rekey | list-sas | version | help) cmd=$c ;;
					*) cmd=other handed=$c ;;
					esac
					;;
				-R*) cmd=rekey ;;
				-l*) cmd=list-sas ;;
				-V*) cmd=version ;;
				-h*) cmd=help ;;
				-?*)
					# strongSwan's short command letters
					cmd=other
					x=" C:counters i:initiate t:terminate d:redirect u:uninstall p:install m:monitor-sa P:list-pols B:list-authorities L:list-conns x:list-certs A:list-pools g:list-algs f:flush-certs q:load-all b:load-authorities c:load-conns s:load-creds a:load-pools T:log r:reload-settings S:stats "
					x=${x#* "${w:1:1}":}
					[[ $x == ' '* ]] || handed=${x%% *}
					;;
				esac
			elif [[ $cmd == rekey || $cmd == list-sas ]]; then
				case $w in
				-c | --child | -i | --ike | -C | --child-id | -I | --ike-id | --batch | --sa-timeout)
					((i + 1 == n)) && want=$w
					((i++))
					;;
				esac
			fi
			;;
		esac
	done
	case $want in
	-u) want=--uri ;;
	-v) want=--debug ;;
	-+) want=--options ;;
	-c) want=--child ;;
	-i) want=--ike ;;
	-C) want=--child-id ;;
	-I) want=--ike-id ;;
	esac

	COMPREPLY=()
	if [ -n "$want" ]; then
		mapfile -t cands < <(_swanctl_rekey_value "$want" "$cur" \
			"$prog" "$uri")
	elif [[ $cur == --*=* ]]; then
		w=${cur%%=*}
		case $w in
		--child | --ike | --child-id | --ike-id)
			[[ $cmd == rekey || $cmd == list-sas ]] || w=
			;;
		--uri | --timeout | --debug | --options) ;;
		*) w= ;;
		esac
		[ -z "$w" ] || mapfile -t cands < <(_swanctl_rekey_value "$w" \
			"${cur#*=}" "$prog" "$uri" | sed "s|^|$w=|")
	elif [[ $cur == -* || -z $cur ]]; then
		case $cmd in
		rekey) opts="--child --ike --child-id --ike-id --reauth --wait --batch --sa-timeout --raw --pretty --json --help" ;;
		list-sas) opts="--ike --ike-id --child --child-id --noblock --raw --pretty --json --help" ;;
		version) opts="--daemon --raw --pretty --help" ;;
		help) opts= ;;
		other)
			globals=
			[ -z "$handed" ] || opts=$(_swanctl_rekey_handed "$prog" "$handed")
			;;
		*) for x in $names; do opts+=" --$x"; done ;;
		esac
		# what the client would refuse: an option twice, a second
		# selector, --reauth of a CHILD_SA, --json with --raw or --pretty
		x=
		case $cmd:$seen in
		rekey:*' '--child*) x+=" --reauth" ;;
		rekey:*' '--reauth' '*) x+=" --child --child-id" ;;
		esac
		case $cmd:$seen in
		rekey:*' '--child' '* | rekey:*' '--ike' '* | rekey:*' '--child-id' '* | rekey:*' '--ike-id' '*)
			x+=" --child --ike --child-id --ike-id"
			;;
		esac
		case $seen in
		*' '--json' '*) x+=" --raw --pretty" ;;
		*' '--raw' '* | *' '--pretty' '*) x+=" --json" ;;
		esac
		for c in $opts $globals; do
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

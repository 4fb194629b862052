#!/bin/bash
# SPDX-License-Identifier: MIT
# --rekey --child net --wait over N SAs (issues 15, 25), from the fake daemon: a
# listing of N IKE_SAs of one config "home" (each its own peer) with
# CHILD_SAs net and web, then a child-rekey event for each net CHILD_SA,
# interleaved with ten unrelated events and log lines per SA (log lines of
# other IKE_SAs, child-rekey of the web CHILD_SAs, other IKE_SAs coming up)
# and one log line about the SA itself.  Prints instructions per event
# (callgrind) at 2,000 and N SAs, and peak RSS at N; fails over budget or
# when the cost per event at N is more than 10% above the one at 2,000.
#   bench/wait.sh CLIENT [N]      (N default 50000: 650,000 events)
#   MAX_WAIT_INSTR_PER_EVENT (default 7000), MAX_WAIT_RSS_KIB (8192)
set -u
client=$(realpath "$1")
big=${2:-50000}
small=2000
fake=$(realpath "${FAKEVICI:-build/fakevici}")
max_ipe=${MAX_WAIT_INSTR_PER_EVENT:-7000}
max_rss=${MAX_WAIT_RSS_KIB:-8192}
dir=$(mktemp -d /tmp/benchwait.XXXXXX)
chmod 755 "$dir"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
status=0

clean_env() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# streams N: $dir/list.N.bin (listing, list-sas reply) and $dir/events.N.bin
# (rekey reply, then the events); prints the number of events after the reply
streams() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "event:list-sa:home{uniqueid=%d,version=2,state=ESTABLISHED,local-host=192.0.2.1,local-port=4500,local-id=moon.example.org,remote-host=198.51.%d.%d,remote-port=4500,remote-id=peer%d.example.org,initiator=yes,initiator-spi=%016x,responder-spi=%016x,encr-alg=AES_CBC,encr-keysize=128,integ-alg=HMAC_SHA2_256_128,prf-alg=PRF_HMAC_SHA2_256,dh-group=MODP_2048,established=%d,rekey-time=13000,child-sas{net-%d{name=net,uniqueid=%d,reqid=%d,state=INSTALLED,mode=TUNNEL,protocol=ESP,spi-in=%08x,spi-out=%08x,encr-alg=AES_GCM_16,encr-keysize=128,bytes-in=0,packets-in=0,bytes-out=0,packets-out=0,rekey-time=3000,life-time=3960,install-time=5,local-ts=[10.1.0.0/16],remote-ts=[10.%d.0.0/16]},web-%d{name=web,uniqueid=%d,reqid=%d,state=INSTALLED,mode=TUNNEL,protocol=ESP,spi-in=%08x,spi-out=%08x,encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_256_128,rekey-time=3000,life-time=3960,install-time=5,local-ts=[10.1.0.0/16],remote-ts=[10.%d.1.0/24]}}}\n", i, i / 250, i % 250, i, i * 7919, i * 104729, i % 3600, 2 * i, 2 * i, 2 * i, 2 * i, 2 * i + 5, i % 250, 2 * i + 1, 2 * i + 1, 2 * i + 1, 2 * i + 1, 2 * i + 7, i % 250
		print "reply:"
	}' >"$dir/list"
	awk -v n="$1" 'BEGIN {
		print "reply:success=yes,matches=" n
		for (i = 1; i <= n; i++) {
			o = 1000000 + i
			for (j = 0; j < 4; j++)
				printf "event:log:group=IKE,level=1,thread=%d,ikesa-name=gw,ikesa-uniqueid=%d,msg=sending%%20packet:%%20from%%20192.0.2.1[4500]%%20to%%20198.51.100.7[4500]%%20(80%%20bytes)\n", i % 40, o + j
			printf "event:log:group=IKE,level=1,thread=%d,ikesa-name=home,ikesa-uniqueid=%d,msg=establishing%%20CHILD_SA%%20net%%7B%d%%7D\n", i % 40, i, 3 * n + i
			for (j = 0; j < 3; j++)
				printf "event:child-rekey:home{uniqueid=%d,version=2,state=ESTABLISHED,remote-id=peer%d.example.org,child-sas{web{name=web,old{uniqueid=%d,state=REKEYED,spi-in=%08x,spi-out=%08x},new{uniqueid=%d,state=INSTALLED,spi-in=%08x,spi-out=%08x}}}}\n", o, i, 2 * n + 10 * i + j, i, i + 1, 5 * n + 10 * i + j, i + 2, i + 3
			for (j = 0; j < 3; j++)
				printf "event:ike-updown:up=yes,gw%d{uniqueid=%d,version=2,state=ESTABLISHED,local-host=192.0.2.1,local-id=moon.example.org,remote-host=203.0.113.%d,remote-id=other%d.example.org,initiator-spi=%016x,responder-spi=%016x,child-sas{net-%d{name=net,uniqueid=%d,state=INSTALLED,spi-in=%08x,spi-out=%08x}}}\n", i, o + 4 + j, i % 250, i, i, i + 9, o, 7 * n + 10 * i + j, i, i + 4
			printf "event:child-rekey:home{uniqueid=%d,version=2,state=ESTABLISHED,remote-id=peer%d.example.org,child-sas{net{name=net,old{uniqueid=%d,state=REKEYED,spi-in=%08x,spi-out=%08x},new{uniqueid=%d,state=INSTALLED,spi-in=%08x,spi-out=%08x}}}}\n", i, i, 2 * i, 2 * i, 2 * i + 5, 9 * n + i, i + 11, i + 12
		}
	}' >"$dir/events"
	"$fake" -e "$dir/list.$1.bin" "file:$dir/list"
	"$fake" -e "$dir/events.$1.bin" "file:$dir/events"
	echo $(($(wc -l <"$dir/events") - 1))
}

serve() { # serve N
	# the events and the log, list-sa, the listing, its unregistration,
	# the rekey request
	"$fake" "$dir/s" read confirm read confirm read confirm read confirm \
		read confirm read confirm read "raw:$dir/list.$1.bin" \
		read confirm read "raw:$dir/events.$1.bin" drain
}

instr() { # instr N: instructions of one --wait over N SAs
	serve "$1"
	clean_env valgrind --tool=callgrind --callgrind-out-file="$dir/cg" \
		"$client" --rekey --child net --wait -u "unix://$dir/s" \
		>"$dir/out.$1" 2>"$dir/vg"
	sed -n 's/.*Collected : //p' "$dir/vg"
}

row() { printf '%-44s %16s\n' "$@"; }

e_small=$(streams $small)
e_big=$(streams "$big")
# the floor: the same command with nothing to wait for after the reply
i_small=$(instr $small)
[ "$(wc -l <"$dir/out.$small")" = $small ] || { echo "$small SAs: $(wc -l <"$dir/out.$small") lines"; status=1; }
i_big=$(instr "$big")
[ "$(wc -l <"$dir/out.$big")" = "$big" ] || { echo "$big SAs: $(wc -l <"$dir/out.$big") lines"; status=1; }
serve "$big"
clean_env /usr/bin/time -f %M -o "$dir/rss" "$client" --rekey --child net --wait \
	-u "unix://$dir/s" >/dev/null 2>&1
rss=$(tail -n 1 "$dir/rss")
# reads: at most one read() per 16 KiB that is waiting (the transport's
# read-ahead), counted by strace at 2,000 SAs
if command -v strace >/dev/null; then
	serve "$small"
	clean_env strace -f -c -e trace=read -o "$dir/strace" "$client" --rekey \
		--child net --wait -u "unix://$dir/s" >/dev/null 2>&1
	reads=$(awk '$NF == "read" { print $4 }' "$dir/strace")
	bytes=$(($(stat -c %s "$dir/list.$small.bin") + $(stat -c %s "$dir/events.$small.bin")))
	row "  read() calls at $small SAs ($bytes bytes)" "$reads"
	if [ "${reads:-0}" -gt $((bytes / 16384 * 11 / 10 + 32)) ]; then
		echo "OVER BUDGET: $reads reads for $bytes bytes (one per 16 KiB)"
		status=1
	fi
else
	echo "(no read count: strace is missing; tests/setup-debian.sh installs it)"
fi
# events: the listing's list-sa events and the events after the reply
ipe_small=$((i_small / (e_small + small)))
ipe_big=$((i_big / (e_big + big)))
row "--wait, $small SAs: instructions" "$i_small"
row "  per event ($((e_small + small)) events)" "$ipe_small"
row "--wait, $big SAs: instructions" "$i_big"
row "  per event ($((e_big + big)) events)" "$ipe_big"
row "  peak RSS KiB" "$rss"
if [ "$ipe_big" -gt "$max_ipe" ]; then
	echo "OVER BUDGET: $ipe_big instructions per event, budget $max_ipe"
	status=1
fi
# linear: the cost per event at N SAs within 10% of the cost at 2,000
if [ $((ipe_big * 100)) -gt $((ipe_small * 110)) ]; then
	echo "NOT LINEAR: $ipe_big instructions per event at $big SAs, $ipe_small at $small"
	status=1
fi
if [ "$rss" -gt "$max_rss" ]; then
	echo "OVER BUDGET: peak RSS $rss KiB, budget $max_rss"
	status=1
fi
exit $status

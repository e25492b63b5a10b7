#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sgtool's bash completion (tools/sgtool/completion/sgtool), driven as bash
# drives it, for a set of command lines: the candidates it offers must be
# exactly those expected.  Names come from a stub sgtool on PATH that
# prints canned JSON (another for the namespace "blue", none when the
# module is "absent") and a stub ip; no kernel is needed.  One TAP line
# per command line.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/cwd"

# sgtool [-n NETNS] -j OBJECT show [NAME], as the completion calls it.
cat >"$tmp/bin/sgtool" <<'EOF'
#!/bin/sh
ns=
if [ "$1" = -n ]; then
	ns=$2
	shift 2
fi
if [ -n "${STUB_ABSENT:-}" ]; then
	echo "sgtool: the sgfw module is not loaded" >&2
	exit 1
fi
[ "$1" = -j ] && [ "$3" = show ] || exit 1
case $ns:$2:${4-} in
:sg:)
	echo '[{"name":"web","id":3,"attached":1,"description":"a \"name\":\"decoy\"","members":[],"rules":[]},{"name":"db","id":7,"attached":0,"description":null,"members":[],"rules":[]}]' ;;
:sg:web)
	echo '[{"name":"web","id":3,"attached":1,"description":null,"members":[],"rules":[{"id":4,"direction":"ingress","protocol":"tcp","port_from":22,"port_to":22,"peer":"192.0.2.0/24","description":null,"flows":0},{"id":9,"direction":"egress","protocol":"all","peer":"0.0.0.0/0","description":null,"flows":2}]}]' ;;
blue:sg:)
	echo '[{"name":"blue-web","id":1,"attached":0,"description":null,"members":[],"rules":[]}]' ;;
:prefix-list:)
	echo '[{"name":"office","id":2,"max_entries":20,"entries":["192.0.2.0/24"]}]' ;;
:nacl:)
	echo '[{"name":"edge","id":5,"attached":1,"rules":[]}]' ;;
:iface:)
	echo '[{"device":"eth0","ifindex":2,"sgs":["web"],"nacl":"edge"},{"device":7,"ifindex":7,"sgs":[],"nacl":null}]' ;;
*)
	echo '[]' ;;
esac
EOF
cat >"$tmp/bin/ip" <<'EOF'
#!/bin/sh
case "$*" in
"netns list")
	printf 'blue (id: 0)\nred\n' ;;
"-br link show")
	printf 'lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>\n'
	printf 'eth0             UP             52:54:00:12:34:56 <BROADCAST,MULTICAST,UP,LOWER_UP>\n'
	printf 'veth1@if5        UP             5a:1c:9e:00:00:01 <BROADCAST,MULTICAST,UP,LOWER_UP>\n' ;;
"-n blue -br link show")
	printf 'lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>\n' ;;
*)
	exit 1 ;;
esac
EOF
chmod +x "$tmp/bin/sgtool" "$tmp/bin/ip"
: >"$tmp/cwd/web.json"
PATH=$tmp/bin:$PATH
cd "$tmp/cwd" || exit 1

# shellcheck disable=SC1091 # Debian's bash-completion
. /usr/share/bash-completion/bash_completion || exit 1
# shellcheck source-path=SCRIPTDIR source=../tools/sgtool/completion/sgtool
. "$repo/tools/sgtool/completion/sgtool" || exit 1

# complete LINE: the candidates for LINE, the cursor at its end, sorted,
# on one line; bash's completion machinery as at a prompt.
complete_line() {
	local line=$1
	local -a COMP_WORDS COMPREPLY=()
	local COMP_LINE=$line COMP_POINT=${#line} COMP_CWORD

	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_sgtool sgtool "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}

n=0 fail=0
# check LINE WANT: the candidates for LINE are WANT (sorted, spaces).
check() {
	local got err

	n=$((n + 1))
	got=$(complete_line "$1" 2>"$tmp/err")
	err=$(cat "$tmp/err")
	if [ "$got" = "$2" ] && [ -z "$err" ]; then
		echo "ok $n - completion: \"$1\""
	else
		echo "# want: $2"
		echo "# got:  $got"
		[ -n "$err" ] && printf '%s\n' "$err" | sed 's/^/# stderr: /'
		echo "not ok $n - completion: \"$1\""
		fail=1
	fi
}

check "sgtool " "apply confirm diff explain flow help iface monitor nacl prefix-list rule save sg stats status version"
check "sgtool -" "--help --json --netns --pretty -h -j -n -p"
check "sgtool -n " "blue red"
check "sgtool -j -n blue " "apply confirm diff explain flow help iface monitor nacl prefix-list rule save sg stats status version"
check "sgtool help " "apply confirm diff explain flow help iface monitor nacl prefix-list rule save sg stats status version"
check "sgtool version " "help"
check "sgtool status " "help show"
check "sgtool sg " "add del help member show"
check "sgtool sg del " "db web"
check "sgtool -n blue sg show " "blue-web"
check "sgtool sg add new " "desc"
check "sgtool sg member del w" "web"
check "sgtool rule " "add del help"
check "sgtool rule add web " "egress ingress"
check "sgtool rule add web ingress " "all icmp icmpv6 tcp udp"
check "sgtool rule add web ingress tcp " "from port"
check "sgtool rule add web ingress tcp port 22 " "from"
check "sgtool rule add web ingress tcp port 22 from " "prefix-list sg"
check "sgtool rule add web ingress tcp port 22 from prefix-list " "office"
check "sgtool rule add web ingress tcp port 22 from sg " "db web"
check "sgtool rule add web ingress tcp port 22 from sg db " "desc"
check "sgtool rule add web egress icmp icmp-type 8 " "icmp-code to"
check "sgtool rule add web egress all " "to"
check "sgtool rule del web " "4 9"
check "sgtool prefix-list " "add del entry help set show"
check "sgtool prefix-list set " "office"
check "sgtool prefix-list add new " "max-entries"
check "sgtool prefix-list entry add " "office"
check "sgtool nacl " "add del help rule show"
check "sgtool nacl show " "edge"
check "sgtool nacl rule add edge 100 " "egress ingress"
check "sgtool nacl rule add edge 100 ingress " "allow deny"
check "sgtool nacl rule add edge 100 ingress allow " "all icmp icmpv6 tcp udp"
check "sgtool nacl rule add edge 100 ingress allow tcp " "from port"
check "sgtool nacl rule add edge 100 egress deny udp port 53 to " ""
check "sgtool nacl rule del edge 100 ingress " ""
check "sgtool iface " "attach detach help nacl set show"
check "sgtool iface attach " "eth0 lo veth1"
check "sgtool -n blue iface attach " "lo"
check "sgtool iface attach eth0 web " "db"
check "sgtool iface detach " "eth0"
check "sgtool iface nacl eth0 " "edge none"
check "sgtool iface set eth0 " "address audit mac mode source-check tcp-established-timeout tracking udp-stream-timeout udp-timeout"
check "sgtool iface set eth0 tracking " "always auto"
check "sgtool iface set eth0 tracking auto audit " "off on"
check "sgtool iface set eth0 tracking auto " "address audit mac mode source-check tcp-established-timeout udp-stream-timeout udp-timeout"
check "sgtool iface set eth0 mode " "endpoint port"
check "sgtool iface set eth0 mode port source-check " "off on"
check "sgtool iface set eth0 address " "none"
check "sgtool iface set eth0 mac " "none"
check "sgtool iface set eth0 mode port mac 02:00:00:00:00:05 " "address audit source-check tcp-established-timeout tracking udp-stream-timeout udp-timeout"
check "sgtool iface set eth0 address 10.0.0.5 " "audit mac mode source-check tcp-established-timeout tracking udp-stream-timeout udp-timeout"
check "sgtool iface set eth0 address none mode port " "audit mac source-check tcp-established-timeout tracking udp-stream-timeout udp-timeout"
check "sgtool iface set eth0 udp-timeout " ""
check "sgtool flow " "flush help limit show"
check "sgtool flow show " "dev dport dst proto sg sport src stale state"
check "sgtool flow show sg web " "dev dport dst proto rule sport src stale state"
check "sgtool flow flush sg web rule " "4 9"
check "sgtool flow flush dev " "eth0"
check "sgtool flow show state est" "established"
check "sgtool flow show proto " "icmp icmpv6 tcp udp"
check "sgtool explain " "eth0 help lo veth1"
check "sgtool explain eth0 " "egress ingress"
check "sgtool explain eth0 ingress " "icmp icmpv6 tcp udp"
check "sgtool explain eth0 ingress icmp 192.0.2.1 192.0.2.2 " "icmp-id icmp-type"
check "sgtool explain eth0 ingress icmp 192.0.2.1 192.0.2.2 icmp-type 3 " "icmp-code icmp-id"
check "sgtool explain eth0 ingress tcp 192.0.2.1:40000 192.0.2.2:22 " ""
check "sgtool stats " "-o help show"
check "sgtool stats show " "-o"
check "sgtool stats -o " "prometheus"
check "sgtool monitor " "config drops flowlog flows help off"
check "sgtool monitor flows " "config drops"
check "sgtool monitor flowlog " "format interval"
check "sgtool monitor flowlog interval 60 " "format"
check "sgtool monitor off " ""
check "sgtool apply " "check help web.json"
check "sgtool apply check " "web.json"
check "sgtool apply web.json " "confirm"
check "sgtool apply web.json confirm " ""
check "sgtool diff " "web.json"
check "sgtool save " "help"
STUB_ABSENT=1 check "sgtool sg del " ""
STUB_ABSENT=1 check "sgtool iface nacl eth0 " "none"
echo "1..$n"
exit $fail

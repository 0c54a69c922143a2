# fish completion for ff-arp(8)
complete -c ff-arp -f
complete -c ff-arp -s p -l proc -x -a 'all 0 1 2 3 4 5 6 7' -d 'Stack process to ask or change'
complete -c ff-arp -s P -l prefix -x -d 'DPDK file prefix of the stack'
complete -c ff-arp -l json -d 'Machine-readable output (JSON)'
complete -c ff-arp -l timeout -x -d 'Seconds to wait for each answer'
complete -c ff-arp -s a -l all -d 'Every entry'
complete -c ff-arp -s d -l delete -d 'Delete the entry of a host'
complete -c ff-arp -s s -l set -d 'Add an entry (permanent unless temp)'
complete -c ff-arp -s S -l replace -d 'As -s, replacing any entry'
complete -c ff-arp -s f -l file -d 'Add the entries listed in a file'
complete -c ff-arp -s i -l interface -x -a '(ff-ifconfig -l --timeout 0.5 2>/dev/null | string split " ")' -d 'Only entries on this interface'
complete -c ff-arp -s n -l numeric -d 'Numeric output'
complete -c ff-arp -l help -d 'Show help and exit'
complete -c ff-arp -n '__fish_seen_argument -s f -l file' -F
complete -c ff-arp -n 'not __fish_seen_argument -s f -l file' -a 'temp' -d 'Expire after net.link.ether.inet.max_age'
complete -c ff-arp -n 'not __fish_seen_argument -s f -l file' -a 'pub' -d 'Answer requests for it (proxy ARP)'
complete -c ff-arp -n 'test (commandline -opc)[-1] = pub' -a 'only' -d 'Compatibility, no effect'

# fish completion for ff-ifconfig(8)
complete -c ff-ifconfig -f
complete -c ff-ifconfig -s p -l proc -x -a 'all 0 1 2 3 4 5 6 7' -d 'Stack process to ask or change'
complete -c ff-ifconfig -s P -l prefix -x -d 'DPDK file prefix of the stack'
complete -c ff-ifconfig -l json -d 'Machine-readable output (JSON)'
complete -c ff-ifconfig -l timeout -x -d 'Seconds to wait for each answer'
complete -c ff-ifconfig -s a -l all -d 'Every interface'
complete -c ff-ifconfig -s l -l list -d 'Interface names only'
complete -c ff-ifconfig -s u -l up -d 'Only interfaces that are up'
complete -c ff-ifconfig -s d -l down -d 'Only interfaces that are down'
complete -c ff-ifconfig -s v -l verbose -d 'Packet and byte counters as well'
complete -c ff-ifconfig -l help -d 'Show help and exit'
complete -c ff-ifconfig -a '(ff-ifconfig -l --timeout 0.5 2>/dev/null | string split " ")'
complete -c ff-ifconfig -a 'inet netmask broadcast alias -alias delete mtu up down promisc -promisc rxcsum -rxcsum txcsum -txcsum tso4 -tso4'

# fish completion for ff-route(8)
complete -c ff-route -f
complete -c ff-route -s p -l proc -x -a 'all 0 1 2 3 4 5 6 7' -d 'Stack process to ask or change'
complete -c ff-route -s P -l prefix -x -d 'DPDK file prefix of the stack'
complete -c ff-route -l json -d 'Machine-readable output (JSON)'
complete -c ff-route -l timeout -x -d 'Seconds to wait for each answer'
complete -c ff-route -s n -l numeric -d 'Numeric output'
complete -c ff-route -s q -l quiet -d 'Print nothing on success'
complete -c ff-route -s v -l verbose -d 'Accepted for compatibility'
complete -c ff-route -l help -d 'Show help and exit'
complete -c ff-route -n '__fish_use_subcommand' -a 'add delete change get flush show'
complete -c ff-route -n 'not __fish_use_subcommand' -a '-net -host -interface -netmask -mtu default'

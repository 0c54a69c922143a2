# fish completion for ff-traffic(8)
complete -c ff-traffic -f
complete -c ff-traffic -s p -l proc -x -a 'all 0 1 2 3 4 5 6 7' -d 'Stack process to ask'
complete -c ff-traffic -s P -l prefix -x -d 'DPDK file prefix of the stack'
complete -c ff-traffic -l json -d 'Machine-readable output (JSON)'
complete -c ff-traffic -l timeout -x -d 'Seconds to wait for each answer'
complete -c ff-traffic -s d -l delay -x -d 'Seconds between samples'
complete -c ff-traffic -s n -l count -x -d 'Number of intervals to show'
complete -c ff-traffic -s s -l snapshot -d 'Print the counters since start once, as CSV'
complete -c ff-traffic -l help -d 'Show help and exit'

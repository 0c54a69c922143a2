# fish completion for ff-top(8)
complete -c ff-top -f
complete -c ff-top -s p -l proc -x -a 'all 0 1 2 3 4 5 6 7' -d 'Stack process to ask'
complete -c ff-top -s P -l prefix -x -d 'DPDK file prefix of the stack'
complete -c ff-top -l json -d 'Machine-readable output (JSON)'
complete -c ff-top -l timeout -x -d 'Seconds to wait for each answer'
complete -c ff-top -s d -l delay -x -d 'Seconds between samples'
complete -c ff-top -s n -l count -x -d 'Number of intervals to show'
complete -c ff-top -l help -d 'Show help and exit'

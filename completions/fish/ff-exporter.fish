# fish completion for ff-exporter(8)
complete -c ff-exporter -f
complete -c ff-exporter -s p -l proc -x -a 'all 0 1 2 3 4 5 6 7' -d 'Stack process to read'
complete -c ff-exporter -s P -l prefix -x -d 'DPDK file prefix of the stack'
complete -c ff-exporter -l json -d 'With --once: the samples as JSON'
complete -c ff-exporter -l timeout -x -d 'Seconds to wait for each answer'
complete -c ff-exporter -l listen -x -a '127.0.0.1:9542' -d 'HOST:PORT to serve /metrics on'
complete -c ff-exporter -l once -d 'Print one scrape and exit'
complete -c ff-exporter -l help -d 'Show help and exit'

"""Fair-shares allocations: NHS England's weighted-capitation targets and need indices
(``fair_shares``), the tidy allocation file (``workbook``), the convergence policy
(``policy``), its rules (``convergence``) and the engine that applies them (``engine``).

Pure code: the only I/O is reading packaged data and the files a caller names.
"""

"""The cyclic garbage collector, held off while a Lambda entry module imports its code.

Importing app.py makes about 100,000 objects the collector tracks (modules, classes,
functions, constants), which live as long as the process; the collector, counting
allocations, would run about 140 times during the import and scan them again each time: some
40 ms of CPU, 8 % of the cold import (bench/coldstart.py). Importing this module pauses it;
`settle()`, once the imports are done, moves everything alive by then into the permanent
generation, which the collector never scans (gc.freeze), and starts it again: requests'
collections then scan only what requests allocate. The cyclic garbage the import itself left
(about 700 objects) stays allocated.
"""

from __future__ import annotations

import gc

gc.disable()


def settle() -> None:
    """End of the import: freeze what it made, collect again from now on."""
    gc.freeze()
    gc.enable()

"""The hub tests import their driver (hub_driver.py, shared with benchmarks/bench_workshop_hub.py) from here."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

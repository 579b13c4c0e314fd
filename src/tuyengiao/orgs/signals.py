"""What the hierarchy tells the apps that keep data derived from it (orgs imports none of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that rewrote the closure rows of the units `unit_ids` (a sorted
# list; None when every unit's rows were rewritten).
closure_rebuilt = Signal()

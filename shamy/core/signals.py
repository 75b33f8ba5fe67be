"""Signals for decoupled housekeeping across apps."""

from django.dispatch import Signal

# Sent after a bulk write that bypasses model signals (demo loaders, COPY/executemany inserts),
# with ``sender`` = the app label. Caches of derived figures (analytics) listen to it.
bulk_data_changed = Signal()

"""What ``committees`` tells other apps, without importing them.

``schedule_changed`` is sent, inside the transaction, whenever a committee's rule set or
working-day calendar changed; ``proposals`` recomputes the open due dates on it.
Arguments: ``committee``, ``actor`` (a user or None), ``reason`` (for the logs).
"""

from django.dispatch import Signal

schedule_changed = Signal()

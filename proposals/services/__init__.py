"""The only way to change a proposal. UI views, API views, admin and tasks call these.

Each public function is one workflow action: it locks the proposal, checks the
workflow table (``proposals.workflow``), changes the rows, writes one audit event
and queues notifications for after the commit.
"""

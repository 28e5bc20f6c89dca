"""Office exports: Excel of any filtered list, Word documents, background export jobs.

The task module is imported here so that the Celery task is registered wherever this
package is loaded (the URLconf imports it; so do the worker's start-up system checks).
"""

from proposals.exports import tasks  # noqa: F401  (registers build_export)

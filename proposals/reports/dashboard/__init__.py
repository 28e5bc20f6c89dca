"""The statistics dashboard (统计分析) for staff, administrators and supervisors.

Every number comes from :mod:`proposals.statistics` (database aggregates, a fixed number
of queries); ``scope`` picks what the viewer may see from the filter form, ``figures``
computes them, ``tables`` lays them out with each figure linked to the proposal list
filtered to exactly the proposals it counts — when the viewer's list can show them (city
staff see the counties' totals, not their proposals; supervisors' lists hold filed work
only) — and ``views`` serves the pages.
"""

"""Statistics pages and documents: the dashboard, the annual report, unit scorecards."""

"""Domain facts every layer reads: groups of states and of unit roles.

Plain constants over ``proposals.choices``; no models, no queries, so the models,
services, views, API, exports, reports and reminders can all import them.
"""

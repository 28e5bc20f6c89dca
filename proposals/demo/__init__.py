"""The demo world behind ``manage.py seed_demo`` and ``manage.py rundemo``."""

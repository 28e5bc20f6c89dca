"""The demo world: 太原市政协 and two district committees, for trying the system out
(``manage.py seed_demo`` / ``rundemo``). Nothing in the apps imports it."""

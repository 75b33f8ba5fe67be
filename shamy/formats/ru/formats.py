# Russian formats: Django's own (django/conf/locale/ru/formats.py) except where they are wrong.
# Django's MONTH_DAY_FORMAT "j F" gives "5 Март"; a day and month read "5 марта" (genitive, "E").
# Only the names defined here override Django's; everything else falls through to its module.
MONTH_DAY_FORMAT = "j E"

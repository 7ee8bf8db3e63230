"""`make bench`: how fast Wangge does its core work, measured beside the raw baseline (see __main__)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
django.setup()

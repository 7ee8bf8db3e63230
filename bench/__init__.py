"""`make bench`: how fast Wangge does its core work, measured beside the raw baseline (see __main__)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
# Settings fail closed without DJANGO_DEBUG. The sections load the demo and time pages in their
# own processes with the demo's settings, as they always have; bench/intake.py starts its gunicorn
# with the production profile's environment.
os.environ.setdefault("DJANGO_DEBUG", "1")
django.setup()

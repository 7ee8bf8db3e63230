"""What the core tells the apps built on it, inside the transaction of the step."""

from django.dispatch import Signal

# A duplicate was merged into a surviving case (cases.services, the "merge" step); sent with
# `duplicate` and `survivor`. The portal moves the duplicate's followers to the survivor.
case_merged = Signal()

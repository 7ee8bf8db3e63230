"""What the core tells the apps built on it, inside the transaction of the step."""

from django.dispatch import Signal

# A duplicate was merged into a surviving case (cases.services, the "merge" step); sent with
# `duplicate` and `survivor`. The portal moves the duplicate's followers to the survivor.
case_merged = Signal()

# A step was appended to a case's timeline (cases.services._append), the case saved as the step
# left it; sent with `entry` and `case`. The command centre counts it (command.facts).
timeline_appended = Signal()

# Cases written in bulk with their timelines, around the services (a history import, the demo's
# simulated year); sent with `case_ids` inside the writing transaction. The command centre
# counts them.
cases_added = Signal()

# Cases' personal fields were blanked (privacy.retention: retention or a person's request); sent
# with `case_ids` inside the same transaction. A kind blanks the personal rows it keeps beside
# the case (a dispute's parties).
cases_anonymised = Signal()

# A step changed the case's category (改类, or a kind's hand-over to another centre); sent with
# `case` (saved, its new category) and `old_category_id`, before the step's timeline entry. The
# command centre moves the facts the case added under its old category.
case_recategorised = Signal()

# A report was filed through a page's form (the staff report form, the residents' portal); sent
# with `case` and the `request`, after the case is written. The category suggester ties its
# suggestion to the case this way (suggest/).
report_filed = Signal()

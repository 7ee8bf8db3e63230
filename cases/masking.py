"""Masking of personal data shown on pages: masked by default (PIPL), revealed only by a logged act.

Numbers are masked by rule: a mobile number shows its first 3 and last 4 digits (the national
practice, 138****5678); a landline its area code and last 2 digits (0916-*****67); any other
number at most half its digits (a quarter at each end), so a short number is never readable.
"""

import re

MOBILE = re.compile(r"^(?:86)?(1\d{10})$")
LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})$")  # area code + local number


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if mobile := MOBILE.match(digits):
        number = mobile.group(1)
        return number[:3] + "****" + number[-4:]
    if landline := LANDLINE.match(digits):
        area, local = landline.groups()
        return f"{area}-" + "*" * (len(local) - 2) + local[-2:]
    shown = len(digits) // 4
    if shown == 0:
        return "*" * len(digits)
    return digits[:shown] + "*" * (len(digits) - 2 * shown) + digits[-shown:]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character only."""
    name = (name or "").strip()
    if len(name) < 2:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


# A run of 7 or more digits (spaces and dashes inside allowed), or an 18-character ID number:
# phone and ID numbers typed into free text.
NUMBER_IN_TEXT = re.compile(r"\d{6}(?:19|20)\d{9}[\dXx]|\d(?:[\d \-]{5,}\d)")


def mask_numbers_in_text(text: str) -> str:
    """Free text made fit to publish: every phone or ID number in it masked by the rules above
    (an ID number shows its first and last 2 characters)."""

    def masked(match: re.Match) -> str:
        found = match.group(0)
        digits = re.sub(r"[ \-]", "", found)
        if len(digits) < 7:
            return found
        if len(digits) == 18:
            return digits[:2] + "*" * 14 + digits[-2:]
        return mask_phone(digits)

    return NUMBER_IN_TEXT.sub(masked, text or "")


def public_description(description: str, reporter_name: str = "") -> str:
    """A case's description as the public pages and Open311 show it: phone and ID numbers
    masked, and the reporter's own name, which a hotline operator often writes into it
    ("李秀英来电：…"), masked as on staff pages."""
    text = mask_numbers_in_text(description)
    name = (reporter_name or "").strip()
    if len(name) >= 2:
        text = text.replace(name, mask_name(name))
    return text

"""Masking of personal data shown on pages: masked by default (PIPL), revealed only by a logged act."""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep at most their first and last two digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) >= 5:
        return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]
    return "*" * len(phone)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character only."""
    name = (name or "").strip()
    if len(name) < 2:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)

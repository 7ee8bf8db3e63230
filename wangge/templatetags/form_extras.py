from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html_join

from wangge.extras import scripts_for

register = template.Library()


@register.simple_tag
def form_scripts(form: str) -> str:
    """The scripts other apps add to this form (wangge.extras)."""
    return format_html_join(
        "\n",
        '<script src="{}" data-url="{}" data-form="{}" defer></script>',
        ((static(s.static_path), reverse(s.url_name), form) for s in scripts_for(form)),
    )

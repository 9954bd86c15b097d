"""Forms of the accounts pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Waar u het token voor gebruikt, bijvoorbeeld het script of de koppeling."),
    )
    days = forms.IntegerField(label=_("Geldig (dagen)"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.initial = settings.CLUSTER6_API_TOKEN_DAYS
        days.validators.append(MaxValueValidator(settings.CLUSTER6_API_TOKEN_MAX_DAYS))
        days.widget.attrs["max"] = str(settings.CLUSTER6_API_TOKEN_MAX_DAYS)
        days.help_text = _("Hoogstens %(max)d dagen.") % {"max": settings.CLUSTER6_API_TOKEN_MAX_DAYS}

"""Validation and normalisation of Italian VAT numbers and phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.it import iva

PHONE_SEPARATORS = re.compile(r"[\s().\-/]")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def normalize_vat(value):
    """Compact form of a Partita IVA: no spaces or dots, no "IT" prefix. "" stays ""."""
    value = (value or "").strip().upper().replace(" ", "").replace(".", "").replace("-", "")
    if value.startswith("IT"):
        value = value[2:]
    return value


def validate_vat_number(value):
    """An Italian VAT number (Partita IVA): 11 digits with a valid check digit."""
    number = normalize_vat(value)
    if not number.isdigit() or len(number) != 11:
        raise ValidationError(
            _("A VAT number (Partita IVA) has 11 digits; %(value)s does not."),
            code="invalid_length",
            params={"value": value},
        )
    try:
        iva.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("%(value)s is not a valid VAT number (Partita IVA): the check digit is wrong."),
            code="invalid_checksum",
            params={"value": value},
        ) from None
    except StdnumValidationError:
        raise ValidationError(
            _("%(value)s is not a valid VAT number (Partita IVA)."),
            code="invalid",
            params={"value": value},
        ) from None


def vat_check_digit(first_ten):
    """The check digit completing a ten-digit Partita IVA prefix (used for demo data)."""
    return luhn.calc_check_digit(first_ten)


def normalize_phone(value):
    """A phone number without separators; Italian numbers without prefix get +39."""
    value = PHONE_SEPARATORS.sub("", (value or "").strip())
    if value.startswith("00"):
        value = "+" + value[2:]
    if value and not value.startswith("+"):
        value = "+39" + value
    return value


def validate_phone(value):
    """An international phone number in E.164 form (+, country code, up to 15 digits)."""
    if not E164.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a phone number such as +39 051 1234567."),
            code="invalid_phone",
        )

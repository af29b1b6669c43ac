"""NUTS-2 regions of Italy (NUTS 2021) and the mapping from django-localflavor's regions."""

from django.utils.translation import gettext_lazy as _
from localflavor.it.it_province import PROVINCE_REGIONS

NUTS2_CHOICES = [
    ("ITC1", "Piemonte"),
    ("ITC2", "Valle d'Aosta/Vallée d'Aoste"),
    ("ITC3", "Liguria"),
    ("ITC4", "Lombardia"),
    ("ITF1", "Abruzzo"),
    ("ITF2", "Molise"),
    ("ITF3", "Campania"),
    ("ITF4", "Puglia"),
    ("ITF5", "Basilicata"),
    ("ITF6", "Calabria"),
    ("ITG1", "Sicilia"),
    ("ITG2", "Sardegna"),
    ("ITH1", _("Provincia Autonoma di Bolzano/Bozen")),
    ("ITH2", _("Provincia Autonoma di Trento")),
    ("ITH3", "Veneto"),
    ("ITH4", "Friuli-Venezia Giulia"),
    ("ITH5", "Emilia-Romagna"),
    ("ITI1", "Toscana"),
    ("ITI2", "Umbria"),
    ("ITI3", "Marche"),
    ("ITI4", "Lazio"),
]

# localflavor.it region code -> NUTS-2 code (Trentino-Alto Adige is two NUTS-2 regions).
REGION_TO_NUTS2 = {
    "PMN": "ITC1",
    "VAO": "ITC2",
    "LIG": "ITC3",
    "LOM": "ITC4",
    "ABR": "ITF1",
    "MOL": "ITF2",
    "CAM": "ITF3",
    "PUG": "ITF4",
    "BAS": "ITF5",
    "CAL": "ITF6",
    "SIC": "ITG1",
    "SAR": "ITG2",
    "VEN": "ITH3",
    "FVG": "ITH4",
    "EMR": "ITH5",
    "TOS": "ITI1",
    "UMB": "ITI2",
    "MAR": "ITI3",
    "LAZ": "ITI4",
}
PROVINCE_TO_NUTS2 = {"BZ": "ITH1", "TN": "ITH2"}


def nuts2_for_province(province):
    """The NUTS-2 code of an Italian province (sigla), or "" when unknown."""
    if not province:
        return ""
    if province in PROVINCE_TO_NUTS2:
        return PROVINCE_TO_NUTS2[province]
    return REGION_TO_NUTS2.get(PROVINCE_REGIONS.get(province, ""), "")

"""The network bodies of INNOVACOOP's documents, read from `networks/demo_data/real.yaml`.

Every body is real and none is flagged demo: the European and international bodies with
their figures exactly as published (the documents give no year for these figures, so `year`
stays empty and `source` holds the sentence they come from), and the Emilia-Romagna
universities, research centres and clusters added as possible partners for industry-science
work (name, kind, city and website only). Loading twice changes nothing.
"""

from django.db import transaction

from core import demo_loader
from networks.models import Affiliation, Body, BodyFigure


@transaction.atomic
def load():
    """Create or update the bodies, figures and affiliations of the file; returns counts."""
    data = demo_loader.read("networks", demo_loader.REAL, today=None)
    lookups = demo_loader.Lookups()
    figures = 0
    # Parents come before the bodies that name them.
    for record in data["networks.Body"]:
        body = demo_loader.save(Body, record, lookups, lookup=["slug"])
        for figure in record.get("figures", []):
            demo_loader.save(
                BodyFigure,
                figure,
                lookups,
                lookup=["body", "metric", "year"],
                extra={"body": body},
            )
            figures += 1
    affiliations = data["networks.Affiliation"]
    for record in affiliations:
        demo_loader.save(Affiliation, record, lookups, lookup=["member_body", "body"])
    return {
        "network bodies": len(data["networks.Body"]),
        "body figures": figures,
        "affiliations": len(affiliations),
    }

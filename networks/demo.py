"""The network bodies of INNOVACOOP's documents, with their figures exactly as published.

The documents give no year for these figures, so `year` stays empty and `source` holds the
sentence they come from. The Emilia-Romagna universities, research centres and clusters are
real organisations added as possible partners for industry-science work: name, kind, city
and website only, no figures and no relations. Loading twice changes nothing.
"""

from django.db import transaction

from networks.models import Affiliation, Body, BodyFigure

K = Body.Kind
S = Body.Scope
M = BodyFigure.Metric

COOPERATIVES_EUROPE_SOURCE = (
    "COOPERATIVES EUROPE, the European association promoting the cooperative business model "
    "in Europe, composed by 84 member organisations from 33 European countries across all "
    "business sectors"
)
CECOP_SOURCE = (
    "CECOP-CICOPA EUROPE, the European confederation of industrial and service cooperatives "
    "which affiliates 27 members in 15 European countries, including organizations promoting "
    "cooperatives and national confederations or federations of cooperatives representing "
    "50,000 enterprises employing 1.3 million workers"
)
COGECA_SOURCE = (
    "COGECA has currently 35 full members from the EU Member States, 4 affiliated members and "
    "36 partner organisations, which include representatives of countries like Iceland, "
    "Norway, Switzerland and Turkey."
)
ICDP_SOURCE = (
    "From the experiences of the CEDP it was born at global level the International "
    "Cooperative Development Platform, as Committee of the ICA dedicated to the development "
    "cooperation."
)
CEDP_SOURCE = (
    "Legacoop has contributed to the creation of a Platform of the European Cooperative "
    "organizations active in the international cooperative development (CEDP – Cooperatives "  # noqa: RUF001 (as in the document)
    "Europe Development Platform)"
)

# Parents come before the bodies that name them.
BODIES = [
    {
        "slug": "cooperatives-europe",
        "name": "Cooperatives Europe",
        "acronym": "",
        "kind": K.EUROPEAN_FEDERATION,
        "scope": S.EUROPEAN,
        "country": "BE",
        "city": "Brussels",
        "website": "https://coopseurope.coop",
        "description_en": (
            "The European association promoting the cooperative business model in Europe, "
            "composed of member organisations from European countries across all business "
            "sectors."
        ),
        "description_it": (
            "L'associazione europea che promuove il modello d'impresa cooperativo in Europa, "
            "composta da organizzazioni aderenti di paesi europei di tutti i settori economici."
        ),
        "figures": [
            (M.MEMBER_ORGANISATIONS, 84, COOPERATIVES_EUROPE_SOURCE),
            (M.COUNTRIES, 33, COOPERATIVES_EUROPE_SOURCE),
        ],
    },
    {
        "slug": "cecop-cicopa-europe",
        "name": "European Confederation of Industrial and Service Cooperatives",
        "acronym": "CECOP-CICOPA Europe",
        "kind": K.EUROPEAN_SECTOR_CONFEDERATION,
        "scope": S.EUROPEAN,
        "country": "BE",
        "city": "Brussels",
        "website": "https://www.cecop.coop",
        "description_en": (
            "The European confederation of industrial and service cooperatives. Its members "
            "include organisations promoting cooperatives and national confederations or "
            "federations of cooperatives."
        ),
        "description_it": (
            "La confederazione europea delle cooperative industriali e di servizi. Tra i suoi "
            "membri vi sono organizzazioni di promozione cooperativa e confederazioni o "
            "federazioni nazionali di cooperative."
        ),
        "figures": [
            (M.MEMBER_ORGANISATIONS, 27, CECOP_SOURCE),
            (M.COUNTRIES, 15, CECOP_SOURCE),
            (M.ENTERPRISES, 50_000, CECOP_SOURCE),
            (M.WORKERS, 1_300_000, CECOP_SOURCE),
        ],
    },
    {
        "slug": "cogeca",
        "name": "General Confederation of Agricultural Cooperatives in the European Union",
        "acronym": "COGECA",
        "kind": K.EUROPEAN_SECTOR_CONFEDERATION,
        "scope": S.EUROPEAN,
        "country": "BE",
        "city": "Brussels",
        "website": "https://copa-cogeca.eu",
        "description_en": (
            "The main representative organisation for the agricultural and fisheries "
            "cooperative sector in the European Union. Its partner organisations include "
            "representatives of countries like Iceland, Norway, Switzerland and Turkey."
        ),
        "description_it": (
            "La principale organizzazione di rappresentanza del settore cooperativo agricolo e "
            "della pesca nell'Unione europea. Tra le organizzazioni partner vi sono "
            "rappresentanti di paesi come Islanda, Norvegia, Svizzera e Turchia."
        ),
        "figures": [
            (M.FULL_MEMBERS, 35, COGECA_SOURCE),
            (M.AFFILIATED_MEMBERS, 4, COGECA_SOURCE),
            (M.PARTNER_ORGANISATIONS, 36, COGECA_SOURCE),
        ],
    },
    {
        "slug": "ica",
        "name": "International Cooperative Alliance",
        "acronym": "ICA",
        "kind": K.INTERNATIONAL_ALLIANCE,
        "scope": S.GLOBAL,
        "country": "BE",
        "city": "Brussels",
        "website": "https://ica.coop",
        "description_en": (
            "The activities of the CEDP are supported by the European Commission within the "
            "Framework Partnership Agreement (FPA) signed with the International Cooperative "
            "Alliance. The ICDP is its committee dedicated to development cooperation."
        ),
        "description_it": (
            "Le attività del CEDP sono sostenute dalla Commissione europea nell'ambito "
            "dell'accordo quadro di partenariato (FPA) firmato con l'Alleanza Cooperativa "
            "Internazionale. L'ICDP è il suo comitato dedicato alla cooperazione allo sviluppo."
        ),
    },
    {
        "slug": "cedp",
        "name": "Cooperatives Europe Development Platform",
        "acronym": "CEDP",
        "kind": K.DEVELOPMENT_PLATFORM,
        "scope": S.EUROPEAN,
        "parent": "cooperatives-europe",
        "description_en": (
            "The platform of the European cooperative organisations active in international "
            "cooperative development, which Legacoop contributed to create. It shares "
            "strategies, tools and best practices for supporting cooperative enterprises "
            "throughout the world; its activities are supported by the European Commission "
            "within the Framework Partnership Agreement signed with the ICA."
        ),
        "description_it": (
            "La piattaforma delle organizzazioni cooperative europee attive nello sviluppo "
            "cooperativo internazionale, alla cui creazione ha contribuito Legacoop. Condivide "
            "strategie, strumenti e buone pratiche per sostenere le imprese cooperative nel "
            "mondo; le sue attività sono sostenute dalla Commissione europea nell'ambito "
            "dell'accordo quadro di partenariato firmato con l'ICA."
        ),
    },
    {
        "slug": "icdp",
        "name": "International Cooperative Development Platform",
        "acronym": "ICDP",
        "kind": K.DEVELOPMENT_PLATFORM,
        "scope": S.GLOBAL,
        "parent": "ica",
        "description_en": (
            "Born at global level from the experiences of the CEDP, the committee of the ICA "
            "dedicated to development cooperation. Through it, best practices for supporting "
            "cooperatives in development projects are shared also with non-European partner "
            "organisations (India, US, Canada, etc.)."
        ),
        "description_it": (
            "Nato a livello globale dall'esperienza del CEDP, è il comitato dell'ICA dedicato "
            "alla cooperazione internazionale allo sviluppo. Attraverso l'ICDP le buone "
            "pratiche per sostenere le cooperative nei progetti di sviluppo sono condivise anche "
            "con organizzazioni partner non europee (India, Stati Uniti, Canada, ecc.)."
        ),
    },
    {
        "slug": "coops4dev",
        "name": "Coops4dev",
        "acronym": "",
        "kind": K.DEVELOPMENT_PLATFORM,
        "scope": S.GLOBAL,
        "website": "https://coops4dev.coop",
        "description_en": (
            "The platform where the research, policy briefs and data collections on "
            "cooperatives in development cooperation, elaborated with the support of the "
            "European Commission for the CEDP's work, are available."
        ),
        "description_it": (
            "La piattaforma su cui sono disponibili le ricerche, i policy brief e le raccolte "
            "di dati sulle cooperative nella cooperazione allo sviluppo, elaborati con il "
            "sostegno della Commissione europea per il lavoro del CEDP."
        ),
    },
    {
        "slug": "halieus",
        "name": "Halieus",
        "acronym": "",
        "kind": K.DEVELOPMENT_PLATFORM,
        "scope": S.NATIONAL,
        "country": "IT",
        "website": "https://www.halieus.it",
        "description_en": (
            "The structure Legacoop charged with international cooperative development, "
            "through the valorisation of the expertise and experiences of member cooperatives. "
            "From 2008 to 2017 Legacoop registered around 160 projects implemented by its "
            "member cooperatives and its structures in all economic sectors."
        ),
        "description_it": (
            "La struttura a cui Legacoop ha affidato lo sviluppo cooperativo internazionale, "
            "valorizzando competenze ed esperienze delle cooperative associate. Tra il 2008 e "
            "il 2017 Legacoop ha registrato circa 160 progetti realizzati dalle sue cooperative "
            "e strutture in tutti i settori economici."
        ),
    },
    {
        "slug": "legacoop-european-office",
        "name": "Legacoop European Office",
        "acronym": "",
        "kind": K.REPRESENTATION_OFFICE,
        "scope": S.NATIONAL,
        "country": "BE",
        "city": "Brussels",
        "description_en": (
            "The European office of Legacoop in Brussels, one of the organisations through "
            "which INNOVACOOP operates."
        ),
        "description_it": (
            "L'ufficio europeo di Legacoop a Bruxelles, una delle organizzazioni attraverso cui "
            "opera INNOVACOOP."
        ),
    },
    {
        "slug": "emilia-romagna-brussels-office",
        "name": "Emilia-Romagna Regional Office in Brussels",
        "acronym": "",
        "kind": K.REGIONAL_OFFICE,
        "scope": S.REGIONAL,
        "country": "BE",
        "city": "Brussels",
        "description_en": (
            "The office of the Emilia-Romagna Region in Brussels. INNOVACOOP cooperates with "
            "it, also for dissemination activities in the framework of EU funded projects."
        ),
        "description_it": (
            "L'ufficio della Regione Emilia-Romagna a Bruxelles. INNOVACOOP collabora con "
            "esso, anche per attività di disseminazione nell'ambito di progetti finanziati "
            "dall'Unione europea."
        ),
    },
    # Emilia-Romagna partners for industry-science work: real organisations, no figures.
    {
        "slug": "unibo",
        "name": "Alma Mater Studiorum – Università di Bologna",  # noqa: RUF001 (official name)
        "acronym": "UNIBO",
        "kind": K.UNIVERSITY,
        "scope": S.NATIONAL,
        "country": "IT",
        "city": "Bologna",
        "website": "https://www.unibo.it",
    },
    {
        "slug": "unimore",
        "name": "Università degli Studi di Modena e Reggio Emilia",
        "acronym": "UNIMORE",
        "kind": K.UNIVERSITY,
        "scope": S.NATIONAL,
        "country": "IT",
        "city": "Modena",
        "website": "https://www.unimore.it",
    },
    {
        "slug": "unipr",
        "name": "Università degli Studi di Parma",
        "acronym": "UNIPR",
        "kind": K.UNIVERSITY,
        "scope": S.NATIONAL,
        "country": "IT",
        "city": "Parma",
        "website": "https://www.unipr.it",
    },
    {
        "slug": "unife",
        "name": "Università degli Studi di Ferrara",
        "acronym": "UNIFE",
        "kind": K.UNIVERSITY,
        "scope": S.NATIONAL,
        "country": "IT",
        "city": "Ferrara",
        "website": "https://www.unife.it",
    },
    {
        "slug": "cineca",
        "name": "Cineca",
        "acronym": "",
        "kind": K.RESEARCH_CENTRE,
        "scope": S.NATIONAL,
        "country": "IT",
        "city": "Casalecchio di Reno",
        "website": "https://www.cineca.it",
    },
    {
        "slug": "cnr-bologna",
        "name": "Area della Ricerca CNR di Bologna",
        "acronym": "",
        "kind": K.RESEARCH_CENTRE,
        "scope": S.NATIONAL,
        "country": "IT",
        "city": "Bologna",
        "website": "https://www.bo.cnr.it",
    },
    {
        "slug": "art-er",
        "name": "ART-ER Attrattività Ricerca Territorio",
        "acronym": "ART-ER",
        "kind": K.INNOVATION_CLUSTER,
        "scope": S.REGIONAL,
        "country": "IT",
        "city": "Bologna",
        "website": "https://www.art-er.it",
    },
    {
        "slug": "clust-er-agrifood",
        "name": "Clust-ER Agrifood",
        "acronym": "",
        "kind": K.INNOVATION_CLUSTER,
        "scope": S.REGIONAL,
        "country": "IT",
        "city": "",
        "website": "https://agrifood.clust-er.it",
    },
]

# Relations the documents state (committee or platform of), as (member, body, note).
BODY_AFFILIATIONS = [
    ("icdp", "ica", ICDP_SOURCE),
    ("cedp", "cooperatives-europe", CEDP_SOURCE),
]

BODY_FIELDS = (
    "name",
    "acronym",
    "kind",
    "scope",
    "country",
    "city",
    "website",
    "description_en",
    "description_it",
)


@transaction.atomic
def load():
    """Create or update the bodies, figures and affiliations above; returns counts."""
    bodies = {}
    for row in BODIES:
        defaults = {name: row.get(name, "") for name in BODY_FIELDS}
        defaults["parent"] = bodies[row["parent"]] if row.get("parent") else None
        defaults["is_demo"] = False
        body, _ = Body.objects.update_or_create(slug=row["slug"], defaults=defaults)
        bodies[row["slug"]] = body

    figures = 0
    for row in BODIES:
        for metric, value, source in row.get("figures", []):
            BodyFigure.objects.update_or_create(
                body=bodies[row["slug"]],
                metric=metric,
                year=None,
                defaults={"value": value, "source": source},
            )
            figures += 1

    for member, body, note in BODY_AFFILIATIONS:
        Affiliation.objects.update_or_create(
            member_body=bodies[member],
            body=bodies[body],
            defaults={
                "association": None,
                "role": Affiliation.Role.COMMITTEE_OR_PLATFORM,
                "since": None,
                "note": note,
                "is_demo": False,
            },
        )
    return {
        "network bodies": len(bodies),
        "body figures": figures,
        "affiliations": len(BODY_AFFILIATIONS),
    }

"""Demo data of the member registry: the Legacoop associations and cooperatives named in
the INNOVACOOP documents (only what they say), plus invented cooperatives flagged as demo.

Idempotent: rows are matched on natural keys and only written when a value differs, so a
second run changes nothing (not even the `updated` timestamps).
"""

from decimal import Decimal

from allauth.account.models import EmailAddress

from innovacoop.models import User
from members.models import (
    Association,
    AssociationFigure,
    Cooperative,
    CooperativeContact,
    Invitation,
    Membership,
    Sector,
    Theme,
)
from members.validators import normalize_phone, vat_check_digit
from members.vocabularies import load_sectors, load_themes

DEMO_PASSWORD = "innovacoop-demo"
SOURCE = "INNOVACOOP presentation"

ER_SENTENCE = (
    "INNOVACOOP is an SME set in 2012 to promote innovation and internationalization processes "
    "of cooperatives associated to Legacoop Emilia-Romagna, a cooperative association "
    "representing 1,250 enterprises, 150,000 employees, 2.8 million shareholders and a total "
    "production value amounting to 32 billion Euro in 2016."
)
ANCPL_SENTENCE = (
    "ANCPL Legacoop (the National Association of Industrial and Workers Cooperatives, "
    "representing 1,810 cooperatives and 4 Consortia at national level operating in the "
    "construction, manufacturing, designing/engineering and cultural sectors)"
)
AGRO_SENTENCE = (
    "Legacoop Agroalimentare Nord Italia (347 agrifood cooperatives, among which prominent "
    "players of the “Made in Italy” Food & Beverage sector (Granarolo, Parmareggio, Cantine "
    "Riunite&CIV, Apofruit, Alce Nero)."
)

# slug, name, kind, parent slug, description (no website: none is given by the documents)
ASSOCIATIONS = [
    (
        "legacoop-emilia-romagna",
        "Legacoop Emilia-Romagna",
        Association.Kind.REGIONAL,
        None,
        "Associazione regionale delle cooperative aderenti a Legacoop in Emilia-Romagna. "
        "Socia di INNOVACOOP, l'agenzia per l'innovazione e l'internazionalizzazione delle "
        "cooperative associate.",
    ),
    (
        "legacoop-romagna",
        "Legacoop Romagna",
        Association.Kind.TERRITORIAL,
        "legacoop-emilia-romagna",
        "Associazione territoriale di Legacoop in Romagna. Socia di INNOVACOOP.",
    ),
    (
        "legacoop-emilia-ovest",
        "Legacoop Emilia-Ovest",
        Association.Kind.TERRITORIAL,
        "legacoop-emilia-romagna",
        "Associazione territoriale di Legacoop nell'Emilia occidentale. Socia di INNOVACOOP.",
    ),
    (
        "legacoop-estense",
        "Legacoop Estense",
        Association.Kind.TERRITORIAL,
        "legacoop-emilia-romagna",
        "Associazione territoriale di Legacoop per le province di Modena e Ferrara. "
        "Socia di INNOVACOOP.",
    ),
    (
        "legacoop-bologna",
        "Legacoop Bologna",
        Association.Kind.TERRITORIAL,
        "legacoop-emilia-romagna",
        "Associazione territoriale di Legacoop per l'area di Bologna. Socia di INNOVACOOP.",
    ),
    (
        "ancpl-legacoop",
        "ANCPL Legacoop",
        Association.Kind.NATIONAL_SECTOR,
        None,
        "Associazione nazionale delle cooperative di produzione e lavoro di Legacoop: "
        "cooperative industriali e di lavoratori attive nelle costruzioni, nella manifattura, "
        "nella progettazione e ingegneria e nei settori culturali. Socia di INNOVACOOP.",
    ),
    (
        "legacoop-agroalimentare-nord-italia",
        "Legacoop Agroalimentare Nord Italia",
        Association.Kind.SECTOR,
        None,
        "Associazione di settore delle cooperative agroalimentari di Legacoop nel Nord Italia, "
        "tra cui protagonisti del Food & Beverage “Made in Italy”. Socia di INNOVACOOP.",
    ),
]

# association slug, metric, value, year (None: the document gives none), source sentence
FIGURES = [
    ("legacoop-emilia-romagna", "enterprises", 1_250, 2016, ER_SENTENCE),
    ("legacoop-emilia-romagna", "employees", 150_000, 2016, ER_SENTENCE),
    ("legacoop-emilia-romagna", "members", 2_800_000, 2016, ER_SENTENCE),
    ("legacoop-emilia-romagna", "production_value_eur", 32_000_000_000, 2016, ER_SENTENCE),
    ("ancpl-legacoop", "cooperatives", 1_810, None, ANCPL_SENTENCE),
    ("ancpl-legacoop", "consortia", 4, None, ANCPL_SENTENCE),
    ("legacoop-agroalimentare-nord-italia", "cooperatives", 347, None, AGRO_SENTENCE),
]

AGRO = "legacoop-agroalimentare-nord-italia"
REAL_NOTE = (
    " Citata nella presentazione di INNOVACOOP tra i protagonisti del Food & Beverage "
    "“Made in Italy” associati a Legacoop Agroalimentare Nord Italia."
)
# The five real cooperatives the documents name: only sector, seat and association.
# slug, legal name as in the document, NACE division, city, province, description
REAL_COOPERATIVES = [
    ("granarolo", "Granarolo", "10", "Bologna", "BO", "Latte e prodotti lattiero-caseari."),
    ("parmareggio", "Parmareggio", "10", "Modena", "MO", "Parmigiano Reggiano."),
    (
        "cantine-riunite-civ",
        "Cantine Riunite & CIV",
        "11",
        "Campegine",
        "RE",
        "Vino.",
    ),
    ("apofruit", "Apofruit", "01", "Cesena", "FC", "Frutta e verdura."),
    ("alce-nero", "Alce Nero", "10", "", "BO", "Alimenti biologici."),
]

# The territorial association of each province (for the invented cooperatives).
TERRITORIAL = {
    "BO": "legacoop-bologna",
    "MO": "legacoop-estense",
    "FE": "legacoop-estense",
    "PR": "legacoop-emilia-ovest",
    "RE": "legacoop-emilia-ovest",
    "PC": "legacoop-emilia-ovest",
    "RA": "legacoop-romagna",
    "FC": "legacoop-romagna",
    "RN": "legacoop-romagna",
}
# Provincial office code of the invented VAT numbers, and the telephone area code.
VAT_OFFICE = {
    "BO": "037",
    "MO": "036",
    "RE": "035",
    "PR": "034",
    "PC": "033",
    "FE": "038",
    "RA": "039",
    "FC": "040",
    "RN": "099",
}
AREA_CODE = {
    "BO": "051",
    "MO": "059",
    "RE": "0522",
    "PR": "0521",
    "PC": "0523",
    "FE": "0532",
    "RA": "0544",
    "FC": "0543",
    "RN": "0541",
}

T = Cooperative.Type
B = Cooperative.TurnoverBand
# Invented cooperatives (is_demo=True). Fields: slug, legal name, type, main NACE division,
# other divisions, city, province, employees, members, turnover band, founded, themes,
# countries of interest, extra associations, description, contacts (name, role).
DEMO_COOPERATIVES = [
    (
        "costruzioni-navile",
        "Costruzioni Navile Soc. Coop.",
        T.WORKER,
        "41",
        ["43"],
        "Bologna",
        "BO",
        212,
        148,
        B.FROM_10M_TO_50M,
        1974,
        ["green-circular-economy", "energy-communities"],
        ["AR", "BR"],
        ["ancpl-legacoop"],
        "Costruzione e riqualificazione energetica di edifici residenziali e pubblici, con cantieri a basso impatto.",
        [("Paolo Rinaldi", "Presidente"), ("Elena Gualandi", "Responsabile innovazione")],
    ),
    (
        "officina-meccanica-san-vitale",
        "Officina Meccanica San Vitale Soc. Coop.",
        T.WORKER,
        "28",
        ["25"],
        "Ravenna",
        "RA",
        64,
        41,
        B.FROM_2M_TO_10M,
        1982,
        ["digital-transition", "research-technology-transfer"],
        ["TN", "DE"],
        ["ancpl-legacoop"],
        "Progettazione e costruzione di macchine speciali per l'industria alimentare e la logistica.",
        [("Davide Casadei", "Presidente"), ("Chiara Baldini", "Ufficio tecnico")],
    ),
    (
        "tessere-cooperativa-sociale",
        "Tessere Cooperativa Sociale",
        T.SOCIAL_A,
        "88",
        ["87"],
        "Modena",
        "MO",
        180,
        95,
        B.FROM_2M_TO_10M,
        1991,
        ["welfare-care", "social-innovation"],
        [],
        [],
        "Servizi educativi e di assistenza domiciliare per anziani e persone con disabilità.",
        [("Marta Ferrari", "Presidente"), ("Giorgio Malagoli", "Coordinatore servizi")],
    ),
    (
        "ponte-sul-crostolo",
        "Il Ponte sul Crostolo Cooperativa Sociale",
        T.SOCIAL_B,
        "81",
        ["38"],
        "Correggio",
        "RE",
        73,
        52,
        B.UNDER_2M,
        1998,
        ["social-innovation", "green-circular-economy"],
        ["TN"],
        [],
        "Inserimento lavorativo di persone svantaggiate nella cura del verde e nella raccolta differenziata.",
        [("Simone Bertolini", "Presidente"), ("Anna Iotti", "Referente inserimenti")],
    ),
    (
        "terre-del-delta",
        "Terre del Delta Soc. Coop. Agricola",
        T.AGRICULTURAL,
        "01",
        [],
        "Codigoro",
        "FE",
        38,
        210,
        B.FROM_10M_TO_50M,
        1965,
        ["agrifood-food-safety", "green-circular-economy"],
        ["BR", "AR"],
        [AGRO],
        "Cereali, riso e orticole di pieno campo conferiti dai soci agricoltori del Delta del Po.",
        [("Sara Venturi", "Presidente"), ("Matteo Guidi", "Agronomo")],
    ),
    (
        "frutteti-del-savio",
        "Frutteti del Savio Soc. Coop. Agricola",
        T.AGRICULTURAL,
        "01",
        ["10"],
        "Cesena",
        "FC",
        120,
        430,
        B.FROM_10M_TO_50M,
        1971,
        ["agrifood-food-safety", "internationalisation"],
        ["DE", "AR"],
        [AGRO],
        "Frutta fresca e trasformata dei soci produttori della valle del Savio.",
        [("Lorenzo Zoffoli", "Presidente"), ("Giada Pieri", "Export manager")],
    ),
    (
        "latteria-pratofiorito",
        "Latteria Sociale Pratofiorito Soc. Coop. Agricola",
        T.AGRICULTURAL,
        "10",
        [],
        "Montecchio Emilia",
        "RE",
        22,
        35,
        B.FROM_2M_TO_10M,
        1952,
        ["agrifood-food-safety"],
        ["US", "CA"],
        [AGRO],
        "Caseificio sociale che trasforma il latte dei soci allevatori in formaggio stagionato.",
        [("Franco Catellani", "Presidente"), ("Irene Spaggiari", "Qualità e sicurezza alimentare")],
    ),
    (
        "cantina-dei-calanchi",
        "Cantina dei Calanchi Soc. Coop. Agricola",
        T.AGRICULTURAL,
        "11",
        ["01"],
        "Castell'Arquato",
        "PC",
        18,
        160,
        B.FROM_2M_TO_10M,
        1960,
        ["agrifood-food-safety", "internationalisation"],
        ["BR", "CN"],
        [AGRO],
        "Vini dei colli piacentini dalle uve dei soci viticoltori.",
        [("Roberto Tagliaferri", "Presidente"), ("Laura Molinari", "Commerciale estero")],
    ),
    (
        "nodo-digitale",
        "Nodo Digitale Soc. Coop.",
        T.WORKER,
        "62",
        ["63"],
        "Bologna",
        "BO",
        27,
        19,
        B.UNDER_2M,
        2015,
        ["digital-transition", "skills-training"],
        ["TN", "ES"],
        [],
        "Software gestionale e servizi cloud per cooperative sociali e di servizi.",
        [("Giulia Ferri", "Presidente"), ("Marco Bassi", "Sviluppo progetti")],
    ),
    (
        "pixel-e-pietre",
        "Pixel & Pietre Soc. Coop.",
        T.WORKER,
        "90",
        ["59"],
        "Ferrara",
        "FE",
        11,
        9,
        B.UNDER_2M,
        2012,
        ["cultural-creative", "digital-transition"],
        ["FR", "TN"],
        ["ancpl-legacoop"],
        "Valorizzazione digitale del patrimonio culturale: rilievi 3D, mostre e percorsi multimediali.",
        [("Nicola Bergamini", "Presidente"), ("Serena Cavallari", "Progettazione europea")],
    ),
    (
        "abitare-insieme-reggiana",
        "Abitare Insieme Reggiana Soc. Coop. Edilizia",
        T.HOUSING,
        "41",
        ["68"],
        "Reggio Emilia",
        "RE",
        9,
        1800,
        B.FROM_2M_TO_10M,
        1968,
        ["housing", "energy-communities"],
        [],
        [],
        "Abitazioni in proprietà indivisa e in assegnazione per i soci, con interventi di efficientamento.",
        [("Claudia Munarini", "Presidente"), ("Stefano Ferretti", "Ufficio tecnico")],
    ),
    (
        "casa-comune-marecchia",
        "Casa Comune Marecchia Soc. Coop. di Abitazione",
        T.HOUSING,
        "68",
        [],
        "Rimini",
        "RN",
        5,
        640,
        B.UNDER_2M,
        1979,
        ["housing", "social-innovation"],
        [],
        [],
        "Cooperativa di abitanti: alloggi a canone calmierato e servizi di vicinato.",
        [("Luca Semprini", "Presidente"), ("Valentina Gori", "Servizi ai soci")],
    ),
    (
        "sole-comune",
        "Sole Comune Cooperativa di Comunità",
        T.COMMUNITY,
        "35",
        [],
        "Brisighella",
        "RA",
        3,
        260,
        B.UNDER_2M,
        2021,
        ["energy-communities", "green-circular-economy"],
        [],
        [],
        "Comunità energetica rinnovabile di famiglie, imprese e parrocchie della collina faentina.",
        [("Alberto Dalmonte", "Presidente"), ("Francesca Liverani", "Referente tecnica")],
    ),
    (
        "borgo-vivo-appennino",
        "Borgo Vivo Appennino Cooperativa di Comunità",
        T.COMMUNITY,
        "55",
        ["56"],
        "Castel di Casio",
        "BO",
        8,
        74,
        B.UNDER_2M,
        2018,
        ["social-innovation", "cultural-creative"],
        ["AR"],
        [],
        "Ospitalità diffusa, bottega e servizi di comunità in un borgo dell'Appennino bolognese.",
        [("Michela Nanni", "Presidente"), ("Andrea Tugnoli", "Accoglienza")],
    ),
    (
        "spesa-giusta",
        "Spesa Giusta Cooperativa di Consumatori",
        T.CONSUMER,
        "47",
        [],
        "Imola",
        "BO",
        46,
        5200,
        B.FROM_10M_TO_50M,
        1946,
        ["green-circular-economy", "agrifood-food-safety"],
        [],
        [],
        "Punti vendita di prossimità con prodotti locali e sfusi per i soci consumatori.",
        [("Roberta Cenni", "Presidente"), ("Fabio Rossi", "Soci e comunicazione")],
    ),
    (
        "botteghe-associate-emiliane",
        "Botteghe Associate Emiliane Soc. Coop.",
        T.RETAIL,
        "46",
        ["47"],
        "Parma",
        "PR",
        34,
        180,
        B.FROM_10M_TO_50M,
        1973,
        ["digital-transition", "internationalisation"],
        ["BR"],
        [],
        "Acquisti collettivi, logistica e commercio elettronico per i negozi indipendenti associati.",
        [("Giovanni Pellegrini", "Presidente"), ("Silvia Rastelli", "E-commerce")],
    ),
    (
        "logistica-padana",
        "Logistica Padana Soc. Coop.",
        T.WORKER,
        "52",
        ["49"],
        "Piacenza",
        "PC",
        310,
        260,
        B.FROM_10M_TO_50M,
        1988,
        ["sustainable-mobility", "digital-transition"],
        ["TN", "MA"],
        [],
        "Magazzini e trasporti per la grande distribuzione nel polo logistico piacentino.",
        [("Massimo Bersani", "Presidente"), ("Ilaria Pozzi", "Sicurezza e sostenibilità")],
    ),
    (
        "consorzio-servizi-integrati-romagna",
        "Consorzio Servizi Integrati Romagna Soc. Coop.",
        T.CONSORTIUM,
        "81",
        ["82"],
        "Forlì",
        "FC",
        14,
        23,
        B.FROM_10M_TO_50M,
        1996,
        ["green-circular-economy", "welfare-care"],
        [],
        [],
        "Consorzio di cooperative per pulizie, manutenzioni e servizi agli enti pubblici.",
        [("Daniele Fabbri", "Presidente"), ("Cristina Zanetti", "Gare e appalti")],
    ),
    (
        "forno-del-ponte",
        "Forno del Ponte Cooperativa Sociale",
        T.SOCIAL_B,
        "10",
        ["56"],
        "Carpi",
        "MO",
        19,
        24,
        B.UNDER_2M,
        2009,
        ["agrifood-food-safety", "social-innovation"],
        ["AR"],
        [AGRO],
        "Panificio e laboratorio di pasta fresca che forma e assume persone in uscita da percorsi di fragilità.",
        [("Enrico Vezzani", "Presidente"), ("Patrizia Lugli", "Tutor inserimenti")],
    ),
    (
        "cura-vicina",
        "Cura Vicina Cooperativa Sociale",
        T.SOCIAL_A,
        "87",
        ["88"],
        "Parma",
        "PR",
        240,
        130,
        B.FROM_2M_TO_10M,
        1985,
        ["welfare-care", "digital-transition"],
        [],
        [],
        "Residenze e centri diurni per anziani, con servizi di telemedicina sperimentali.",
        [("Donatella Bocchi", "Presidente"), ("Riccardo Marchi", "Innovazione e qualità")],
    ),
    (
        "studio-cooperativo-progetti-emilia",
        "Studio Cooperativo Progetti Emilia Soc. Coop.",
        T.WORKER,
        "71",
        ["72"],
        "Bologna",
        "BO",
        42,
        30,
        B.FROM_2M_TO_10M,
        1977,
        ["research-technology-transfer", "green-circular-economy"],
        ["BR", "TN"],
        ["ancpl-legacoop"],
        "Progettazione integrata di infrastrutture ed edifici, BIM e analisi del ciclo di vita.",
        [("Federico Lambertini", "Presidente"), ("Beatrice Gamberini", "Ricerca e sviluppo")],
    ),
    (
        "legno-e-forma",
        "Legno e Forma Soc. Coop.",
        T.WORKER,
        "31",
        ["16"],
        "Forlì",
        "FC",
        36,
        36,
        B.FROM_2M_TO_10M,
        2014,
        ["workers-buyout", "green-circular-economy", "internationalisation"],
        ["DE", "FR"],
        ["ancpl-legacoop"],
        "Mobili su misura e arredi contract, nata dal workers buyout di un mobilificio.",
        [("Gianluca Ricci", "Presidente"), ("Monica Bandini", "Commerciale")],
    ),
    (
        "bottega-dei-mestieri",
        "Bottega dei Mestieri Soc. Coop.",
        T.WORKER,
        "85",
        [],
        "Reggio Emilia",
        "RE",
        25,
        18,
        B.UNDER_2M,
        2003,
        ["skills-training", "startups-spinoffs"],
        [],
        [],
        "Formazione professionale e accompagnamento alla creazione di nuove cooperative.",
        [("Cinzia Davoli", "Presidente"), ("Tommaso Incerti", "Orientamento")],
    ),
    (
        "energia-di-pianura",
        "Energia di Pianura Cooperativa di Comunità",
        T.COMMUNITY,
        "35",
        [],
        "Lugo",
        "RA",
        2,
        410,
        B.UNDER_2M,
        2022,
        ["energy-communities"],
        [],
        [],
        "Impianti fotovoltaici condivisi sui tetti di scuole e capannoni della Bassa Romagna.",
        [("Pietro Baldrati", "Presidente"), ("Elisa Montanari", "Soci e bollette")],
    ),
    (
        "acquacoltura-costa-ferrarese",
        "Acquacoltura Costa Ferrarese Soc. Coop. Agricola",
        T.AGRICULTURAL,
        "03",
        [],
        "Comacchio",
        "FE",
        31,
        88,
        B.FROM_2M_TO_10M,
        1983,
        ["agrifood-food-safety", "green-circular-economy"],
        ["TN"],
        [AGRO],
        "Allevamento di molluschi in laguna e tracciabilità del prodotto dal mare alla tavola.",
        [("Ivan Felletti", "Presidente"), ("Nadia Tomasi", "Qualità")],
    ),
]

# Demo people and their role in an invented cooperative (email, name, cooperative, role).
DEMO_PEOPLE = [
    ("giulia.ferri@coop.example", "Giulia Ferri", "nodo-digitale", Membership.Role.ADMIN),
    ("marco.bassi@coop.example", "Marco Bassi", "nodo-digitale", Membership.Role.EDITOR),
    ("sara.venturi@coop.example", "Sara Venturi", "terre-del-delta", Membership.Role.ADMIN),
    ("luca.montanari@coop.example", "Luca Montanari", "costruzioni-navile", Membership.Role.VIEWER),
]
# Further memberships of the demo people: one person in two cooperatives, each role present.
DEMO_EXTRA_MEMBERSHIPS = [
    ("marco.bassi@coop.example", "terre-del-delta", Membership.Role.VIEWER),
    ("luca.montanari@coop.example", "nodo-digitale", Membership.Role.VIEWER),
]
# A pending invitation (its link is not known: the token is random and only hashed).
DEMO_INVITATION = ("nuova.collega@coop.example", "nodo-digitale", Membership.Role.EDITOR)


def _same(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return field.get_prep_value(getattr(obj, name)) == field.get_prep_value(value)


def upsert(model, lookup, values):
    """Create the row, or update only the values that differ (no write when none does)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if not _same(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def demo_vat_number(index, province):
    """A checksum-valid invented Partita IVA (company numbers 9700001, 9700002, ...)."""
    first_ten = f"{9_700_000 + index:07d}{VAT_OFFICE[province]}"
    return first_ten + vat_check_digit(first_ten)


def demo_phone(index, province):
    return normalize_phone(f"{AREA_CODE[province]}{5_550_000 + index * 37:07d}"[:11])


def _email_local(name):
    return name.lower().replace(" ", ".").replace("'", "")


def load():
    load_sectors(Sector)
    load_themes(Theme)
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}

    associations = {}
    for slug, name, kind, parent_slug, description in ASSOCIATIONS:
        associations[slug] = upsert(
            Association,
            {"slug": slug},
            {
                "name": name,
                "kind": kind,
                "parent": associations[parent_slug] if parent_slug else None,
                "is_innovacoop_shareholder": True,
                "description": description,
            },
        )
    for slug, metric, value, year, sentence in FIGURES:
        upsert(
            AssociationFigure,
            {"association": associations[slug], "metric": metric, "year": year},
            {"value": Decimal(value), "source": f"{SOURCE}: {sentence}"},
        )

    count = 0
    for slug, name, division, city, province, description in REAL_COOPERATIVES:
        cooperative = upsert(
            Cooperative,
            {"slug": slug},
            {
                "legal_name": name,
                "main_sector": sectors[division],
                "city": city,
                "province": province,
                "description": description + REAL_NOTE,
                "is_demo": False,
            },
        )
        cooperative.associations.set([associations[AGRO]])
        count += 1

    contacts = 0
    for index, row in enumerate(DEMO_COOPERATIVES, start=1):
        (
            slug,
            name,
            kind,
            division,
            others,
            city,
            province,
            employees,
            members,
            band,
            founded,
            theme_slugs,
            country_codes,
            extra_associations,
            description,
            people,
        ) = row
        cooperative = upsert(
            Cooperative,
            {"slug": slug},
            {
                "legal_name": name,
                "vat_number": demo_vat_number(index, province),
                "cooperative_type": kind,
                "main_sector": sectors[division],
                "city": city,
                "province": province,
                "employee_count": employees,
                "member_count": members,
                "turnover_band": band,
                "year_founded": founded,
                "website": f"https://www.{slug}.example",
                "description": description,
                "countries_of_interest": sorted(country_codes),
                "email": f"info@{slug}.example",
                "phone": demo_phone(index, province),
                "is_demo": True,
            },
        )
        cooperative.sectors.set([sectors[code] for code in others])
        cooperative.themes.set([themes[theme] for theme in theme_slugs])
        cooperative.associations.set(
            [associations[TERRITORIAL[province]]] + [associations[s] for s in extra_associations]
        )
        for order, (person, role) in enumerate(people):
            upsert(
                CooperativeContact,
                {"cooperative": cooperative, "name": person},
                {
                    "role": role,
                    "email": f"{_email_local(person)}@{slug}.example",
                    "phone": demo_phone(index * 10 + order + 1, province),
                    "order": order,
                },
            )
            contacts += 1
        count += 1

    for email, full_name, cooperative_slug, role in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "language": "it"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        upsert(
            Membership,
            {"user": user, "cooperative": Cooperative.objects.get(slug=cooperative_slug)},
            {"role": role},
        )

    people = {user.email: user for user in User.objects.filter(email__endswith="@coop.example")}
    for email, cooperative_slug, role in DEMO_EXTRA_MEMBERSHIPS:
        upsert(
            Membership,
            {"user": people[email], "cooperative": Cooperative.objects.get(slug=cooperative_slug)},
            {"role": role},
        )
    email, cooperative_slug, role = DEMO_INVITATION
    cooperative = Cooperative.objects.get(slug=cooperative_slug)
    if not Invitation.objects.filter(cooperative=cooperative, email=email).exists():
        invitation = Invitation(
            email=email,
            cooperative=cooperative,
            role=role,
            invited_by=people[DEMO_PEOPLE[0][0]],
        )
        invitation.set_new_token()
        invitation.save()

    return {
        "associations": len(associations),
        "association figures": len(FIGURES),
        "cooperatives": count,
        "contact people": contacts,
        "demo members": len(DEMO_PEOPLE),
        "extra memberships": len(DEMO_EXTRA_MEMBERSHIPS),
        "pending invitations": 1,
    }

"""Demo partnership requests, expressions of interest and projects (all flagged `is_demo`).

Every request state is present, with the history (request events) that led there, so the
demo shows the whole workflow: drafts, one awaiting review, published ones (most), one
returned with staff's reason, closed ones (partner found, withdrawn) and an expired one.
Nodo Digitale (giulia.ferri@coop.example) owns a published request with expressions of
interest awaiting an answer, Terre del Delta (sara.venturi@coop.example) one with an accepted
interest that can be recorded as a project. The projects include development cooperation
ones with partners in Argentina, Brazil and Tunisia.

Dates are relative to today (Europe/Rome), so a second run on the same day writes nothing:
rows are matched on natural keys (owner and title, request and cooperative, slug) and saved
only when a value differs. Rows are written directly, not through `partnerships.services`,
so loading the demo sends no email. Needs the demo of `innovacoop`, `members`, `networks`
and `funding` loaded first (as `load_demo` does).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from funding.models import ApplicantType, Call
from innovacoop.demo import DEMO_STAFF_EMAIL
from innovacoop.models import User
from members.demo import upsert
from members.models import Cooperative, Sector, Theme
from networks.models import Body
from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project, RequestEvent

ROME = ZoneInfo("Europe/Rome")
DEMO_NOTE = "\n\nDati dimostrativi: richiesta inventata per la demo del portale."

K = PartnershipRequest.Kind
S = PartnershipRequest.State
O = PartnershipRequest.Outcome  # noqa: E741 (the model's own name)

GIULIA = "giulia.ferri@coop.example"
MARCO = "marco.bassi@coop.example"
SARA = "sara.venturi@coop.example"

# Each request: owner slug, kind, title, summary, description, offer, sought organisation
# types, sectors, themes, countries, call slug, state, outcome, days from today when it was
# created, deadline for interest (days from today), day of closing (days), author email
# (None: staff wrote it for the cooperative), staff's reason for returning it, closing note.
REQUESTS = [
    {
        "owner": "nodo-digitale",
        "kind": K.CALL_PARTNER,
        "title": "Partner per servizi di intelligenza artificiale alle cooperative (Horizon Europe)",
        "summary": (
            "Cerchiamo cooperative di logistica e costruzioni e un organismo di ricerca per una "
            "proposta Horizon Europe su servizi di IA affidabili per le PMI."
        ),
        "description": (
            "Vogliamo presentare una proposta sul bando Horizon Europe dedicato ai servizi di "
            "intelligenza artificiale per PMI e cooperative dei settori tradizionali. Il consorzio "
            "deve riunire almeno tre soggetti di tre Stati membri: cerchiamo cooperative che "
            "mettano a disposizione un caso d'uso reale e un partner di ricerca."
        ),
        "offer": (
            "Sviluppo software, esperienza decennale di gestionali per cooperative, "
            "coordinamento tecnico del pacchetto di lavoro sulla piattaforma."
        ),
        "types": ["cooperative", "research"],
        "sectors": ["52", "41"],
        "themes": ["digital-transition", "research-technology-transfer"],
        "countries": ["ES", "DE", "IT"],
        "call": "horizon-cl4-digital-smes",
        "state": S.PUBLISHED,
        "created": -12,
        "deadline": 40,
        "author": MARCO,
    },
    {
        "owner": "terre-del-delta",
        "kind": K.CALL_PARTNER,
        "title": "Consorzio Horizon Europe per filiere agroalimentari eque e cooperative",
        "summary": (
            "Per il bando sulle filiere agroalimentari eque cerchiamo una cooperativa di "
            "trasformazione, un partner digitale e un'università."
        ),
        "description": (
            "Il bando chiede almeno tre partner: guidiamo il pilota sul riso e le orticole del "
            "Delta del Po e cerchiamo chi porti la trasformazione, la tracciabilità digitale dei "
            "lotti e la valutazione economica del modello cooperativo."
        ),
        "offer": "Campi pilota, dati di conferimento di 210 soci, esperienza di filiera corta.",
        "types": ["cooperative", "research", "sme"],
        "sectors": ["10", "62"],
        "themes": ["agrifood-food-safety", "digital-transition"],
        "countries": ["IT", "ES", "FR"],
        "call": "horizon-cl6-farm-to-fork-coops",
        "state": S.PUBLISHED,
        "created": -20,
        "deadline": 15,
        "author": SARA,
    },
    {
        "owner": "officina-meccanica-san-vitale",
        "kind": K.TECHNOLOGY_REQUEST,
        "title": "Visione artificiale per il controllo qualità sulle nostre macchine",
        "summary": (
            "Cerchiamo un partner tecnologico che integri telecamere e software di visione "
            "artificiale nelle linee di confezionamento che costruiamo."
        ),
        "description": (
            "I clienti dell'industria alimentare chiedono lo scarto automatico dei pezzi "
            "difettosi. Cerchiamo chi abbia già portato modelli di visione in produzione."
        ),
        "offer": "Macchine prototipo, officina e clienti disposti a sperimentare.",
        "types": ["cooperative", "sme", "research"],
        "sectors": ["62", "72"],
        "themes": ["digital-transition"],
        "countries": ["IT"],
        "state": S.PUBLISHED,
        "created": -9,
        "deadline": 30,
        "author": None,
    },
    {
        "owner": "pixel-e-pietre",
        "kind": K.RESEARCH,
        "title": "Ricerca su rilievi 3D e realtà aumentata nei piccoli musei",
        "summary": (
            "Collaborazione di ricerca con un'università o una cooperativa di comunità per "
            "portare la realtà aumentata nei musei dei borghi."
        ),
        "description": (
            "Vorremmo misurare l'effetto dei percorsi in realtà aumentata sulle visite dei "
            "piccoli musei e costruire un modello di gestione sostenibile."
        ),
        "offer": "Rilievi 3D, contenuti multimediali, un gruppo di progettazione europea.",
        "types": ["research", "cooperative"],
        "sectors": ["91"],
        "themes": ["cultural-creative", "research-technology-transfer"],
        "countries": ["IT", "FR"],
        "call": "horizon-cl2-cultural-heritage",
        "state": S.PUBLISHED,
        "created": -25,
        "deadline": 45,
        "author": None,
    },
    {
        "owner": "frutteti-del-savio",
        "kind": K.INTERNATIONALISATION,
        "title": "Distributori e cooperative partner per la frutta fresca in Argentina",
        "summary": (
            "Cerchiamo cooperative argentine e importatori per uno scambio di frutta in "
            "controstagione e una rete commerciale comune."
        ),
        "description": (
            "La controstagione rende complementari le nostre produzioni e quelle argentine. "
            "Cerchiamo partner per un accordo di fornitura reciproca e per la logistica."
        ),
        "offer": "Volumi stabili, certificazioni, un ufficio export già attivo.",
        "types": ["cooperative", "sme"],
        "sectors": ["01", "46"],
        "themes": ["internationalisation", "agrifood-food-safety"],
        "countries": ["AR"],
        "state": S.PUBLISHED,
        "created": -15,
        "deadline": 60,
        "author": None,
    },
    {
        "owner": "sole-comune",
        "kind": K.COOPERATION,
        "title": "Scambio di buone pratiche tra comunità energetiche cooperative",
        "summary": (
            "Incontri e visite tra cooperative che gestiscono comunità energetiche: "
            "regolamenti, ripartizione degli incentivi, coinvolgimento dei soci."
        ),
        "description": (
            "Siamo una comunità energetica giovane: vogliamo confrontarci con cooperative che "
            "hanno già affrontato la ripartizione dei benefici e la gestione dei soci."
        ),
        "offer": "I nostri dati di produzione e consumo e l'esperienza con le parrocchie.",
        "types": ["cooperative"],
        "sectors": ["35"],
        "themes": ["energy-communities"],
        "countries": [],
        "state": S.PUBLISHED,
        "created": -30,
        "deadline": 20,
        "author": None,
    },
    {
        "owner": "costruzioni-navile",
        "kind": K.TECHNOLOGY_OFFER,
        "title": "Offriamo un sistema di monitoraggio energetico dei cantieri",
        "summary": (
            "Sensori e cruscotto per misurare i consumi dei cantieri: lo mettiamo a "
            "disposizione di altre cooperative di costruzioni."
        ),
        "description": "Bozza in preparazione con l'ufficio innovazione.",
        "offer": "Licenza d'uso, formazione del personale di cantiere, assistenza.",
        "types": ["cooperative"],
        "sectors": ["41", "43"],
        "themes": ["green-circular-economy"],
        "countries": [],
        "state": S.DRAFT,
        "created": -3,
        "deadline": 50,
        "author": None,
    },
    {
        "owner": "nodo-digitale",
        "kind": K.COOPERATION,
        "title": "Corsi di competenze digitali per i soci lavoratori",
        "summary": (
            "Cerchiamo cooperative che vogliano formare insieme i propri soci lavoratori "
            "sugli strumenti digitali di base."
        ),
        "description": "Bozza: da completare con il calendario dei corsi.",
        "offer": "Docenti, piattaforma di formazione a distanza.",
        "types": ["cooperative"],
        "sectors": ["85"],
        "themes": ["skills-training", "digital-transition"],
        "countries": [],
        "state": S.DRAFT,
        "created": -2,
        "deadline": 45,
        "author": MARCO,
    },
    {
        "owner": "latteria-pratofiorito",
        "kind": K.TECHNOLOGY_REQUEST,
        "title": "Sensori per la tracciabilità della stagionatura dei formaggi",
        "summary": (
            "Cerchiamo sensori di temperatura e umidità collegati alle forme in stagionatura, "
            "con i dati leggibili dal consorzio di tutela."
        ),
        "description": (
            "Il magazzino ospita 12.000 forme: vogliamo sapere in ogni momento le condizioni di "
            "ciascun lotto e conservarne lo storico."
        ),
        "offer": "Un magazzino pilota e il supporto del nostro ufficio qualità.",
        "types": ["sme", "research"],
        "sectors": ["26", "62"],
        "themes": ["agrifood-food-safety", "digital-transition"],
        "countries": ["IT"],
        "state": S.SUBMITTED,
        "created": -4,
        "deadline": 35,
        "author": None,
    },
    {
        "owner": "cantina-dei-calanchi",
        "kind": K.INTERNATIONALISATION,
        "title": "Importatori partner per i vini dei colli piacentini in Brasile",
        "summary": "Cerchiamo importatori e cooperative brasiliane per i nostri vini.",
        "description": "Vogliamo entrare nel mercato brasiliano.",
        "offer": "Vini dei soci.",
        "types": ["sme"],
        "sectors": ["46"],
        "themes": ["internationalisation"],
        "countries": ["BR"],
        "state": S.RETURNED,
        "created": -10,
        "deadline": 55,
        "author": None,
        "return_reason": (
            "Indicate quali vini e quali volumi proponete, e che tipo di partner cercate "
            "(importatore, distributore, cooperativa): così i possibili partner capiscono "
            "subito se fa per loro."
        ),
    },
    {
        "owner": "acquacoltura-costa-ferrarese",
        "kind": K.CALL_PARTNER,
        "title": "Partner per la pesca sostenibile nel Mediterraneo meridionale (Tunisia)",
        "summary": (
            "Per il bando EuropeAid sulla piccola pesca cerchiamo un partner tecnico italiano e "
            "organizzazioni di pescatori tunisine."
        ),
        "description": (
            "Vogliamo trasferire alle cooperative di pescatori tunisine la nostra esperienza "
            "nella gestione delle lagune e nella tracciabilità del prodotto."
        ),
        "offer": "Formazione, visite in laguna, sistema di tracciabilità dei lotti.",
        "types": ["cooperative", "ngo", "research"],
        "sectors": ["03", "71"],
        "themes": ["agrifood-food-safety", "internationalisation"],
        "countries": ["TN"],
        "call": "ndici-fisheries-halieus",
        "state": S.CLOSED,
        "outcome": O.PARTNER_FOUND,
        "created": -45,
        "deadline": -5,
        "closed": -3,
        "author": None,
        "note": "Partner trovato: lo Studio Cooperativo Progetti Emilia entra nella proposta.",
    },
    {
        "owner": "logistica-padana",
        "kind": K.TECHNOLOGY_OFFER,
        "title": "Piattaforma condivisa per la logistica dell'ultimo miglio",
        "summary": (
            "Offriamo la nostra piattaforma di pianificazione delle consegne a cooperative di "
            "trasporto che vogliano condividere mezzi e magazzini."
        ),
        "description": "Piattaforma in uso nel polo logistico piacentino dal 2022.",
        "offer": "Licenza, integrazione con i gestionali, formazione.",
        "types": ["cooperative", "sme"],
        "sectors": ["49", "52"],
        "themes": ["sustainable-mobility", "digital-transition"],
        "countries": [],
        "state": S.CLOSED,
        "outcome": O.WITHDRAWN,
        "created": -60,
        "deadline": 10,
        "closed": -20,
        "author": None,
        "note": "Ritirata: la piattaforma sarà offerta dal consorzio nazionale.",
    },
    {
        "owner": "spesa-giusta",
        "kind": K.COOPERATION,
        "title": "Filiera corta: cooperative agricole fornitrici di ortaggi",
        "summary": (
            "Cerchiamo cooperative agricole della regione per rifornire di ortaggi di stagione "
            "i nostri punti vendita di prossimità."
        ),
        "description": "Consegne settimanali a Imola e dintorni, prezzi concordati per stagione.",
        "offer": "Contratti annuali, spazio nei punti vendita, promozione presso i soci.",
        "types": ["cooperative"],
        "sectors": ["01"],
        "themes": ["agrifood-food-safety", "green-circular-economy"],
        "countries": ["IT"],
        "state": S.EXPIRED,
        "created": -70,
        "deadline": -10,
        "author": None,
    },
]

# Expressions of interest: (owner slug, request title), cooperative slug, sender email
# (None: staff sent it for the cooperative), state, message, days ago sent, decline reason.
EoI = ExpressionOfInterest.State
INTERESTS = [
    (
        ("nodo-digitale", REQUESTS[0]["title"]),
        "logistica-padana",
        None,
        EoI.PENDING,
        "Abbiamo un caso d'uso pronto: la pianificazione dei turni di magazzino. Ci interessa "
        "partecipare come cooperativa pilota.",
        5,
        "",
    ),
    (
        ("nodo-digitale", REQUESTS[0]["title"]),
        "studio-cooperativo-progetti-emilia",
        None,
        EoI.PENDING,
        "Portiamo la progettazione BIM e i dati di cantiere di tre commesse pubbliche.",
        3,
        "",
    ),
    (
        ("terre-del-delta", REQUESTS[1]["title"]),
        "nodo-digitale",
        GIULIA,
        EoI.ACCEPTED,
        "Possiamo curare la tracciabilità digitale dei lotti: lo facciamo già per due "
        "cooperative sociali.",
        10,
        "",
    ),
    (
        ("terre-del-delta", REQUESTS[1]["title"]),
        "frutteti-del-savio",
        None,
        EoI.PENDING,
        "Abbiamo un impianto di trasformazione a Cesena e saremmo interessati al pilota.",
        6,
        "",
    ),
    (
        ("terre-del-delta", REQUESTS[1]["title"]),
        "forno-del-ponte",
        None,
        EoI.DECLINED,
        "Potremmo trasformare parte del riso in prodotti da forno.",
        12,
        "Grazie: per questo bando ci serve un trasformatore con volumi più grandi.",
    ),
    (
        ("officina-meccanica-san-vitale", REQUESTS[2]["title"]),
        "nodo-digitale",
        MARCO,
        EoI.PENDING,
        "Abbiamo sviluppato modelli di visione per il riconoscimento dei documenti: "
        "vorremmo provarli sulle vostre linee.",
        2,
        "",
    ),
    (
        ("pixel-e-pietre", REQUESTS[3]["title"]),
        "borgo-vivo-appennino",
        None,
        EoI.ACCEPTED,
        "Il museo del nostro borgo è pronto a fare da sito pilota.",
        14,
        "",
    ),
    (
        ("frutteti-del-savio", REQUESTS[4]["title"]),
        "terre-del-delta",
        SARA,
        EoI.PENDING,
        "Anche noi guardiamo all'Argentina per i cereali: possiamo condividere la logistica.",
        4,
        "",
    ),
    (
        ("sole-comune", REQUESTS[5]["title"]),
        "energia-di-pianura",
        None,
        EoI.ACCEPTED,
        "Gestiamo 14 impianti condivisi: volentieri vi raccontiamo come ripartiamo gli incentivi.",
        20,
        "",
    ),
    (
        ("sole-comune", REQUESTS[5]["title"]),
        "abitare-insieme-reggiana",
        None,
        EoI.PENDING,
        "Stiamo valutando una comunità energetica nei nostri condomini.",
        8,
        "",
    ),
    (
        ("acquacoltura-costa-ferrarese", REQUESTS[10]["title"]),
        "studio-cooperativo-progetti-emilia",
        None,
        EoI.ACCEPTED,
        "Abbiamo progettato impianti di acquacoltura in Tunisia e possiamo seguire la parte "
        "tecnica.",
        30,
        "",
    ),
    (
        ("spesa-giusta", REQUESTS[12]["title"]),
        "terre-del-delta",
        SARA,
        EoI.DECLINED,
        "Possiamo fornire orticole di pieno campo da maggio a ottobre.",
        40,
        "Grazie, ma cerchiamo fornitori più vicini a Imola per le consegne settimanali.",
    ),
]

P = Project.Kind
PS = Project.Status
# Projects: slug, acronym, title, kind, status, summary, call slug, lead cooperative, lead
# body, cooperatives, bodies, countries, budget, EU contribution (None: not EU money), start
# and end (months from this month), origin request (owner slug, title).
PROJECTS = [
    {
        "slug": "mare-tn",
        "acronym": "MARE-TN",
        "title": "Piccola pesca e acquacoltura cooperativa sostenibile in Tunisia",
        "kind": P.DEVELOPMENT,
        "status": PS.SUBMITTED,
        "summary": (
            "Trasferimento alle cooperative di pescatori del golfo di Gabès delle pratiche di "
            "gestione lagunare e di tracciabilità del prodotto sviluppate a Comacchio."
        ),
        "call": "ndici-fisheries-halieus",
        "lead": "acquacoltura-costa-ferrarese",
        "cooperatives": ["acquacoltura-costa-ferrarese", "studio-cooperativo-progetti-emilia"],
        "bodies": ["halieus"],
        "countries": ["IT", "TN"],
        "budget": "1330000",
        "eu_contribution": "1197000",
        "start": 6,
        "end": 42,
        "origin": ("acquacoltura-costa-ferrarese", REQUESTS[10]["title"]),
    },
    {
        "slug": "coop-agri-latam",
        "acronym": "COOP-AGRI-LATAM",
        "title": "Filiere cooperative del latte e dei cereali in Argentina e Brasile",
        "kind": P.DEVELOPMENT,
        "status": PS.RUNNING,
        "summary": (
            "Governance, qualità e accesso ai mercati per cooperative di produttori delle "
            "province di Santa Fe e Córdoba e dello Stato del Rio Grande do Sul, con lo "
            "scambio di tecnici tra cooperative emiliane e sudamericane."
        ),
        "call": "ndici-fpa-cooperatives",
        "lead": "terre-del-delta",
        "cooperatives": ["terre-del-delta", "frutteti-del-savio", "latteria-pratofiorito"],
        "bodies": ["cedp", "coops4dev", "ica"],
        "countries": ["AR", "BR", "IT"],
        "budget": "2450000",
        "eu_contribution": "2205000",
        "start": -14,
        "end": 22,
    },
    {
        "slug": "tunes-coop",
        "acronym": "TUNES-COOP",
        "title": "Economia sociale e solidale e lavoro dignitoso per i giovani in Tunisia",
        "kind": P.DEVELOPMENT,
        "status": PS.COMPLETED,
        "summary": (
            "Nascita di cooperative giovanili di servizi ambientali e digitali a Sfax e "
            "Kairouan, con la formazione dei soci e l'accompagnamento delle cooperative "
            "sociali emiliane."
        ),
        "call": None,
        "lead": "ponte-sul-crostolo",
        "cooperatives": ["ponte-sul-crostolo", "nodo-digitale", "logistica-padana"],
        "bodies": ["icdp", "cecop-cicopa-europe"],
        "countries": ["TN", "IT"],
        "budget": "780000",
        "eu_contribution": None,
        "start": -40,
        "end": -4,
    },
    {
        "slug": "soilcoop",
        "acronym": "SOILCOOP",
        "title": "Laboratori viventi cooperativi per suoli sani nella pianura padana",
        "kind": P.INNOVATION,
        "status": PS.SUBMITTED,
        "summary": (
            "Laboratori viventi con le cooperative agricole del Delta del Po e della Romagna "
            "per misurare e migliorare la salute dei suoli, con università e centri di ricerca "
            "di cinque paesi."
        ),
        "call": "horizon-missions-soil-living-labs",
        "lead_body": "unibo",
        "cooperatives": ["terre-del-delta", "frutteti-del-savio"],
        "bodies": ["unibo", "cnr-bologna", "clust-er-agrifood"],
        "countries": ["IT", "ES", "FR", "NL", "PL"],
        "budget": "4980000",
        "eu_contribution": "4980000",
        "start": 8,
        "end": 56,
    },
    {
        "slug": "borgo-digitale",
        "acronym": "BORGO DIGITALE",
        "title": "Prenotazioni e bottega online per l'ospitalità diffusa dell'Appennino",
        "kind": P.INNOVATION,
        "status": PS.FUNDED,
        "summary": (
            "Un sistema di prenotazione comune e una bottega online per le cooperative di "
            "comunità dell'Appennino bolognese, cofinanziati dal FESR regionale."
        ),
        "call": "er-fesr-commercio-turismo",
        "lead": "borgo-vivo-appennino",
        "cooperatives": ["borgo-vivo-appennino", "nodo-digitale"],
        "bodies": ["art-er"],
        "countries": ["IT"],
        "budget": "180000",
        "eu_contribution": "72000",
        "start": 1,
        "end": 19,
    },
    {
        "slug": "co-research",
        "acronym": "CO-RESEARCH",
        "title": "Scambi di personale tra cooperative e università per l'innovazione",
        "kind": P.INNOVATION,
        "status": PS.REJECTED,
        "summary": (
            "Distacchi di ricercatori nelle cooperative e di tecnici delle cooperative nelle "
            "università, su progettazione integrata e analisi del ciclo di vita."
        ),
        "call": "horizon-msca-staff-exchanges",
        "lead": "studio-cooperativo-progetti-emilia",
        "cooperatives": ["studio-cooperativo-progetti-emilia", "costruzioni-navile"],
        "bodies": ["unimore", "unipr"],
        "countries": ["IT", "ES", "DE", "TN"],
        "budget": "920000",
        "eu_contribution": "920000",
        "start": 4,
        "end": 52,
    },
    {
        "slug": "coop-export",
        "acronym": "COOP-EXPORT",
        "title": "Reti cooperative per l'internazionalizzazione delle piccole imprese",
        "kind": P.INTERNATIONALISATION,
        "status": PS.RUNNING,
        "summary": (
            "Politiche regionali e servizi comuni per portare all'estero le piccole imprese "
            "attraverso le reti cooperative, con scambi tra cinque regioni europee."
        ),
        "call": "interreg-europe-policy-learning",
        "lead": "botteghe-associate-emiliane",
        "cooperatives": ["botteghe-associate-emiliane", "legno-e-forma", "frutteti-del-savio"],
        "bodies": ["cooperatives-europe", "emilia-romagna-brussels-office"],
        "countries": ["IT", "DE", "FR", "ES", "PL"],
        "budget": "1450000",
        "eu_contribution": "1160000",
        "start": -8,
        "end": 28,
    },
    {
        "slug": "calanchi-brasil",
        "acronym": "",
        "title": "Missioni commerciali dei vini e formaggi cooperativi in Brasile",
        "kind": P.INTERNATIONALISATION,
        "status": PS.COMPLETED,
        "summary": (
            "Partecipazione a due fiere a San Paolo e incontri con importatori, finanziata "
            "con il Fondo 394/81."
        ),
        "call": "simest-394-fiere",
        "lead": "cantina-dei-calanchi",
        "cooperatives": ["cantina-dei-calanchi", "latteria-pratofiorito"],
        "bodies": [],
        "countries": ["BR"],
        "budget": "240000",
        "eu_contribution": None,
        "start": -30,
        "end": -6,
    },
]


def _at(today, days, hour=10, minute=0):
    day = today + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME)


def _month(today, months):
    """The first day of the month `months` away from this one."""
    index = today.year * 12 + today.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _set_if_different(manager, objects):
    if {obj.pk for obj in manager.all()} != {obj.pk for obj in objects}:
        manager.set(objects)


def _history(spec, today, author, staff):
    """The events that brought the request to its state, oldest first, and its dates."""
    created = spec["created"]
    events = [("", S.DRAFT, author, _at(today, created, 9), "")]
    dates = {"created_at": _at(today, created, 9), "published_at": None, "closed_at": None}
    state = spec["state"]
    if state == S.DRAFT:
        return events, dates
    events.append((S.DRAFT, S.SUBMITTED, author, _at(today, created + 1, 11), ""))
    if state == S.SUBMITTED:
        return events, dates
    if state == S.RETURNED:
        reason = spec["return_reason"]
        events.append((S.SUBMITTED, S.RETURNED, staff, _at(today, created + 2, 15), reason))
        return events, dates
    published = _at(today, created + 2, 15)
    events.append((S.SUBMITTED, S.PUBLISHED, staff, published, ""))
    dates["published_at"] = published
    if state == S.CLOSED:
        closed = _at(today, spec["closed"], 12)
        events.append((S.PUBLISHED, S.CLOSED, author, closed, spec.get("note", "")))
        dates["closed_at"] = closed
    elif state == S.EXPIRED:
        # The periodic task expires it the night after its deadline (no person: by=None).
        expired = _at(today, spec["deadline"] + 1, 2)
        events.append((S.PUBLISHED, S.EXPIRED, None, expired, ""))
        dates["closed_at"] = expired
    return events, dates


def _load_requests(today, people, staff, cooperatives, calls):
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    types = {kind.code: kind for kind in ApplicantType.objects.all()}
    requests = {}
    for spec in REQUESTS:
        owner = cooperatives[spec["owner"]]
        author = people.get(spec["author"]) or staff
        events, dates = _history(spec, today, author, staff)
        request = upsert(
            PartnershipRequest,
            {"owner": owner, "title": spec["title"]},
            {
                "kind": spec["kind"],
                "summary": spec["summary"],
                "description": spec["description"] + DEMO_NOTE,
                "offer": spec["offer"],
                "sought_countries": sorted(spec["countries"]),
                "interest_deadline": today + datetime.timedelta(days=spec["deadline"]),
                "call": calls.get(spec.get("call")),
                "state": spec["state"],
                "return_reason": spec.get("return_reason", ""),
                "outcome": spec.get("outcome", ""),
                "created_by": author,
                "is_demo": True,
                **dates,
            },
        )
        _set_if_different(
            request.sought_sectors, [sectors[c] for c in spec["sectors"] if c in sectors]
        )
        _set_if_different(request.sought_themes, [themes[s] for s in spec["themes"] if s in themes])
        _set_if_different(
            request.sought_organisation_types, [types[c] for c in spec["types"] if c in types]
        )
        wanted = [
            (from_state, to_state, by.pk if by else None, at, note)
            for from_state, to_state, by, at, note in events
        ]
        existing = [
            (e.from_state, e.to_state, e.by_id, e.at, e.note)
            for e in request.events.order_by("at", "pk")
        ]
        if existing != wanted:
            request.events.all().delete()
            RequestEvent.objects.bulk_create(
                RequestEvent(
                    request=request, from_state=f, to_state=t, by_id=by_id, at=at, note=note
                )
                for f, t, by_id, at, note in wanted
            )
        requests[(spec["owner"], spec["title"])] = request
    return requests


def _load_interests(today, people, staff, cooperatives, requests):
    for key, cooperative_slug, sender, state, message, days_ago, reason in INTERESTS:
        request = requests[key]
        cooperative = cooperatives[cooperative_slug]
        if cooperative.pk == request.owner_id:
            raise ValueError("A cooperative never expresses interest in its own request.")
        sent_at = _at(today, -days_ago, 16)
        owner_person = {
            "nodo-digitale": GIULIA,
            "terre-del-delta": SARA,
        }.get(request.owner.slug)
        answered = state != EoI.PENDING
        upsert(
            ExpressionOfInterest,
            {"request": request, "cooperative": cooperative},
            {
                "sent_by": people.get(sender) or staff,
                "message": message,
                "state": state,
                "decided_by": (people.get(owner_person) or staff) if answered else None,
                "decided_at": _at(today, -days_ago + 1, 9, 30) if answered else None,
                "decline_reason": reason,
                "created_at": sent_at,
                "is_demo": True,
            },
        )
    return len(INTERESTS)


def _load_projects(today, cooperatives, calls, requests):
    bodies = {body.slug: body for body in Body.objects.all()}
    for spec in PROJECTS:
        budget = Decimal(spec["budget"])
        contribution = spec["eu_contribution"]
        project = upsert(
            Project,
            {"slug": spec["slug"]},
            {
                "acronym": spec["acronym"],
                "title": spec["title"],
                "kind": spec["kind"],
                "status": spec["status"],
                "summary": spec["summary"],
                "call": calls.get(spec["call"]),
                "lead_cooperative": cooperatives.get(spec.get("lead")),
                "lead_body": bodies.get(spec.get("lead_body")),
                "countries": sorted(spec["countries"]),
                "budget": budget,
                "eu_contribution": Decimal(contribution) if contribution else None,
                "start_date": _month(today, spec["start"]),
                "end_date": _month(today, spec["end"]) - datetime.timedelta(days=1),
                "origin_request": requests.get(spec.get("origin")),
                "is_demo": True,
            },
        )
        _set_if_different(
            project.cooperatives,
            [cooperatives[slug] for slug in spec["cooperatives"] if slug in cooperatives],
        )
        _set_if_different(
            project.bodies, [bodies[slug] for slug in spec["bodies"] if slug in bodies]
        )
    return len(PROJECTS)


def load(today=None):
    today = today or timezone.localdate(timezone.now(), ROME)
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    people = {user.email: user for user in User.objects.filter(email__endswith="@coop.example")}
    cooperatives = {coop.slug: coop for coop in Cooperative.objects.filter(is_demo=True)}
    calls = {call.slug: call for call in Call.objects.filter(is_demo=True)}
    requests = _load_requests(today, people, staff, cooperatives, calls)
    interests = _load_interests(today, people, staff, cooperatives, requests)
    projects = _load_projects(today, cooperatives, calls, requests)
    return {
        "partnership requests": len(requests),
        "expressions of interest": interests,
        "projects": projects,
    }

"""Demo startups, support programmes, applications in every stage and mentors (`is_demo`).

Modelled on Legacoop's calls for cooperative startup ideas (Coopstartup). Every name is
invented. Parent organisations are demo cooperatives and the universities of the networks
demo, looked up by slug and skipped when missing. Programme dates are relative to today
(Europe/Rome), so a second run on the same day changes nothing; rows are matched on slug,
email or (programme, applicant) and saved only when a value differs.
"""

import datetime
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.utils import timezone

from innovacoop.models import User
from members.demo import upsert
from members.models import Cooperative, Sector, Theme
from networks.models import Body
from startups.models import (
    Application,
    ApplicationEvent,
    Kind,
    Mentor,
    MentorAssignment,
    Need,
    Startup,
    SupportProgramme,
)
from startups.vocabularies import load_needs

ROME = ZoneInfo("Europe/Rome")
Stage = Application.Stage
S = Startup.Stage

OPEN_PROGRAMME = "coopstartup-emilia-romagna-2027-demo"
CLOSED_PROGRAMME = "coopstartup-emilia-romagna-2026-demo"

# slug, name, kind, parent (cooperative slug or "body:<slug>"), year (None: not incorporated),
# legal form, registered innovative, stage, NACE division, themes, team, needs, visibility,
# founders, description
STARTUPS = [
    (
        "agrisense-delta",
        "AgriSense Delta",
        Kind.ACADEMIC_SPINOFF,
        "body:unife",
        2025,
        Startup.LegalForm.SRL,
        True,
        S.EARLY,
        "01",
        ["agrifood-food-safety", "digital-transition"],
        5,
        ["funding", "market-access"],
        "public",
        "Irene Cavallari\nTommaso Guidi",
        "Sensori a basso costo per l'irrigazione di precisione nelle risaie del Delta del Po.",
    ),
    (
        "nodo-verde-energia",
        "Nodo Verde Energia Soc. Coop.",
        Kind.COOPERATIVE_SPINOFF,
        "nodo-digitale",
        2026,
        Startup.LegalForm.COOPERATIVE,
        False,
        S.VALIDATION,
        "35",
        ["energy-communities", "digital-transition"],
        4,
        ["partners", "funding"],
        "public",
        "Giulia Ferri\nMarco Bassi",
        "Software per gestire le comunità energetiche rinnovabili dei condomini cooperativi.",
    ),
    (
        "officine-riunite-lugo",
        "Officine Riunite Lugo Soc. Coop.",
        Kind.WORKERS_BUYOUT,
        "officina-meccanica-san-vitale",
        2024,
        Startup.LegalForm.COOPERATIVE,
        False,
        S.GROWTH,
        "25",
        ["workers-buyout"],
        23,
        ["market-access", "mentoring"],
        "public",
        "Davide Casadei\nRoberta Zani",
        "I lavoratori di una carpenteria metallica hanno rilevato l'azienda con un workers buyout.",
    ),
    (
        "borgo-vivo-cooperativa-di-comunita",
        "Borgo Vivo Cooperativa di Comunità",
        Kind.COMMUNITY_COOPERATIVE,
        "casa-comune-marecchia",
        2025,
        Startup.LegalForm.COOPERATIVE,
        False,
        S.EARLY,
        "55",
        ["social-innovation", "welfare-care"],
        9,
        ["premises", "funding"],
        "public",
        "Francesca Lazzarini",
        "Accoglienza diffusa, bottega e servizi di prossimità in un borgo dell'Alta Valmarecchia.",
    ),
    (
        "materia-circolare",
        "Materia Circolare",
        Kind.INNOVATIVE_STARTUP,
        "",
        None,
        "",
        False,
        S.IDEA,
        "38",
        ["green-circular-economy"],
        3,
        ["mentoring", "partners", "premises"],
        "public",
        "Pietro Landi\nAgnese Valli\nOmar Haddad",
        "Recupero degli scarti tessili delle lavanderie industriali in pannelli fonoassorbenti.",
    ),
    (
        "lumen-bio",
        "Lumen Bio S.r.l.",
        Kind.ACADEMIC_SPINOFF,
        "body:unibo",
        2023,
        Startup.LegalForm.SRL,
        True,
        S.GROWTH,
        "72",
        ["research-technology-transfer", "agrifood-food-safety"],
        12,
        ["funding"],
        "members",
        "Sofia Mantovani\nAndrea Ricci",
        "Test rapidi per le micotossine nei cereali, nati in un laboratorio universitario.",
    ),
    (
        "cura-in-rete",
        "Cura in Rete Cooperativa Sociale",
        Kind.COOPERATIVE_SPINOFF,
        "tessere-cooperativa-sociale",
        None,
        "",
        False,
        S.IDEA,
        "88",
        ["welfare-care", "digital-transition"],
        4,
        ["mentoring", "funding"],
        "public",
        "Martina Bertoni",
        "Una piattaforma per coordinare le assistenti familiari nei comuni della collina reggiana.",
    ),
    (
        "geodati-appennino",
        "GeoDati Appennino S.r.l.s.",
        Kind.INNOVATIVE_STARTUP,
        "body:unimore",
        2026,
        Startup.LegalForm.SRLS,
        True,
        S.VALIDATION,
        "62",
        ["digital-transition", "research-technology-transfer"],
        3,
        ["market-access", "partners"],
        "members",
        "Nicola Ferrari\nLaura Gatti",
        "Mappe del rischio frane per i consorzi di bonifica e le cooperative forestali.",
    ),
]

# applicant email, name, startup name, kind, stage, startup slug (accepted and later),
# rejection reason, parent, NACE division, themes, needs
APPLICATIONS = [
    (
        "irene.cavallari@startup.example",
        "Irene Cavallari",
        "AgriSense Delta",
        Kind.ACADEMIC_SPINOFF,
        Stage.INCUBATING,
        "agrisense-delta",
        "",
        "body:unife",
        "01",
        ["agrifood-food-safety"],
        ["funding"],
    ),
    (
        "marco.bassi@coop.example",
        "Marco Bassi",
        "Nodo Verde Energia",
        Kind.COOPERATIVE_SPINOFF,
        Stage.ACCEPTED,
        "nodo-verde-energia",
        "",
        "nodo-digitale",
        "35",
        ["energy-communities"],
        ["partners"],
    ),
    (
        "francesca.lazzarini@startup.example",
        "Francesca Lazzarini",
        "Borgo Vivo",
        Kind.COMMUNITY_COOPERATIVE,
        Stage.GRADUATED,
        "borgo-vivo-cooperativa-di-comunita",
        "",
        "casa-comune-marecchia",
        "55",
        ["social-innovation"],
        ["premises"],
    ),
    (
        "pietro.landi@startup.example",
        "Pietro Landi",
        "Materia Circolare",
        Kind.INNOVATIVE_STARTUP,
        Stage.SCREENING,
        "",
        "",
        "",
        "38",
        ["green-circular-economy"],
        ["mentoring"],
    ),
    (
        "sara.venturi@coop.example",
        "Sara Venturi",
        "Delta Bike Sharing",
        Kind.COOPERATIVE_SPINOFF,
        Stage.SUBMITTED,
        "",
        "",
        "terre-del-delta",
        "77",
        ["sustainable-mobility"],
        ["funding"],
    ),
    (
        "luca.montanari@coop.example",
        "Luca Montanari",
        "Cantiere Digitale",
        Kind.INNOVATIVE_STARTUP,
        Stage.REJECTED,
        "",
        "La proposta è un servizio di consulenza, non una nuova impresa: ripresentala con un "
        "piano d'impresa.",
        "costruzioni-navile",
        "71",
        ["digital-transition"],
        ["funding"],
    ),
    (
        "martina.bertoni@startup.example",
        "Martina Bertoni",
        "Cura in Rete",
        Kind.COOPERATIVE_SPINOFF,
        Stage.DROPPED,
        "cura-in-rete",
        "",
        "tessere-cooperativa-sociale",
        "88",
        ["welfare-care"],
        ["mentoring"],
    ),
    (
        "omar.haddad@startup.example",
        "Omar Haddad",
        "Pane Sospeso",
        Kind.COMMUNITY_COOPERATIVE,
        Stage.AWAITING_CONFIRMATION,
        "",
        "",
        "",
        "10",
        ["social-innovation"],
        ["premises"],
    ),
]

# email, name, cooperative slug or "body:<slug>", areas, themes, startups mentored
MENTORS = [
    (
        "elena.gualandi@mentor.example",
        "Elena Gualandi",
        "costruzioni-navile",
        "Piani d'impresa, finanza cooperativa",
        ["green-circular-economy"],
        ["agrisense-delta"],
    ),
    (
        "paolo.rinaldi@mentor.example",
        "Paolo Rinaldi",
        "costruzioni-navile",
        "Governance cooperativa, workers buyout",
        ["workers-buyout"],
        ["officine-riunite-lugo"],
    ),
    (
        "chiara.fabbri@mentor.example",
        "Chiara Fabbri",
        "body:unibo",
        "Trasferimento tecnologico, brevetti",
        ["research-technology-transfer"],
        ["lumen-bio", "borgo-vivo-cooperativa-di-comunita"],
    ),
    (
        "stefano.neri@mentor.example",
        "Stefano Neri",
        "body:art-er",
        "Bandi regionali ed europei",
        ["internationalisation", "digital-transition"],
        [],
    ),
]


def _parent(reference, cooperatives, bodies):
    """(cooperative, body) for a reference; (None, None) when empty or not loaded."""
    if not reference:
        return None, None
    if reference.startswith("body:"):
        return None, bodies.get(reference[5:])
    return cooperatives.get(reference), None


def _set_m2m(manager, objects):
    objects = [obj for obj in objects if obj is not None]
    if {obj.pk for obj in manager.all()} != {obj.pk for obj in objects}:
        manager.set(objects)


def _applicant(email, name, *, verified=True):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=name, language="it")
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": verified, "primary": True}
    )
    return user


def load(today=None):
    today = today or timezone.localdate(timezone.now(), ROME)
    load_needs(Need)
    needs = {need.code: need for need in Need.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.filter(section__isnull=False)}
    cooperatives = {coop.slug: coop for coop in Cooperative.objects.all()}
    bodies = {body.slug: body for body in Body.objects.all()}

    open_programme = upsert(
        SupportProgramme,
        {"slug": OPEN_PROGRAMME},
        {
            "name": "Coopstartup Emilia-Romagna 2027 — demo",
            "description": (
                "Bando dimostrativo sul modello di Coopstartup di Legacoop: accompagna gruppi "
                "di almeno tre persone che vogliono avviare una nuova impresa cooperativa, "
                "uno spinoff di una cooperativa o di un'università, o un workers buyout. "
                "Offre formazione, un mentore e un contributo all'avvio."
            ),
            "criteria": (
                "Team di almeno tre persone, in maggioranza under 40.\n"
                "Sede operativa in Emilia-Romagna.\n"
                "Idea innovativa con un mercato riconoscibile.\n"
                "Impegno a costituire una cooperativa entro 12 mesi."
            ),
            "open_date": today - datetime.timedelta(days=20),
            "close_date": today + datetime.timedelta(days=45),
            "places": 12,
            "is_demo": True,
        },
    )
    upsert(
        SupportProgramme,
        {"slug": CLOSED_PROGRAMME},
        {
            "name": "Coopstartup Emilia-Romagna 2026 — demo",
            "description": "Edizione precedente del bando dimostrativo, chiusa.",
            "criteria": "Team di almeno tre persone; sede in Emilia-Romagna.",
            "open_date": today - datetime.timedelta(days=400),
            "close_date": today - datetime.timedelta(days=300),
            "places": 10,
            "is_demo": True,
        },
    )

    startups = {}
    for (
        slug,
        name,
        kind,
        parent,
        year,
        legal_form,
        registered,
        stage,
        division,
        theme_slugs,
        team_size,
        need_codes,
        visibility,
        founders,
        description,
    ) in STARTUPS:
        cooperative, body = _parent(parent, cooperatives, bodies)
        startup = upsert(
            Startup,
            {"slug": slug},
            {
                "name": name,
                "kind": kind,
                "parent_cooperative": cooperative,
                "parent_body": body,
                "year_founded": year,
                "legal_form": legal_form,
                "is_registered_innovative": registered,
                "stage": stage,
                "sector": sectors.get(division),
                "team_size": team_size,
                "visibility": visibility,
                "founders": founders,
                "contact_email": f"info@{slug}.example",
                "description": description,
                "needs_detail": "",
                "website": f"https://www.{slug}.example",
                "is_demo": True,
            },
        )
        _set_m2m(startup.themes, [themes.get(t) for t in theme_slugs])
        _set_m2m(startup.needs, [needs.get(n) for n in need_codes])
        startups[slug] = startup

    for (
        email,
        name,
        startup_name,
        kind,
        stage,
        startup_slug,
        reason,
        parent,
        division,
        theme_slugs,
        need_codes,
    ) in APPLICATIONS:
        applicant = _applicant(email, name, verified=stage != Stage.AWAITING_CONFIRMATION)
        cooperative, body = _parent(parent, cooperatives, bodies)
        application = upsert(
            Application,
            {"programme": open_programme, "applicant": applicant},
            {
                "startup_name": startup_name,
                "kind": kind,
                "description": f"{startup_name}: candidatura dimostrativa.",
                "team": f"{name}, fondatrice o fondatore\nDue soci lavoratori",
                "team_size": 3,
                "stage": stage,
                "rejection_reason": reason,
                "sector": sectors.get(division),
                "parent_cooperative": cooperative,
                "parent_body": body,
                "startup": startups.get(startup_slug),
                "submitted_at": datetime.datetime.combine(
                    open_programme.open_date + datetime.timedelta(days=2),
                    datetime.time(10),
                    tzinfo=ROME,
                ),
                "is_demo": True,
            },
        )
        _set_m2m(application.themes, [themes.get(t) for t in theme_slugs])
        _set_m2m(application.needs, [needs.get(n) for n in need_codes])
        # One event recording where the demo put it (no emails are sent for demo data).
        ApplicationEvent.objects.get_or_create(
            application=application,
            to_stage=stage,
            defaults={"from_stage": "", "note": "Demo data"},
        )

    for email, name, organisation, areas, theme_slugs, mentored in MENTORS:
        cooperative, body = _parent(organisation, cooperatives, bodies)
        mentor = upsert(
            Mentor,
            {"email": email},
            {
                "name": name,
                "cooperative": cooperative,
                "body": body,
                "areas": areas,
                "is_demo": True,
            },
        )
        _set_m2m(mentor.themes, [themes.get(t) for t in theme_slugs])
        for slug in mentored:
            MentorAssignment.objects.get_or_create(
                mentor=mentor,
                startup=startups[slug],
                defaults={"since": open_programme.open_date + datetime.timedelta(days=10)},
            )

    return {
        "support programmes": 2,
        "startups": len(STARTUPS),
        "applications": len(APPLICATIONS),
        "mentors": len(MENTORS),
    }

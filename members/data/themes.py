"""Innovation themes shared by the whole portal: (slug, Italian name, English name)."""

THEMES = [
    ("digital-transition", "Transizione digitale", "Digital transition"),
    ("green-circular-economy", "Economia verde e circolare", "Green and circular economy"),
    ("social-innovation", "Innovazione sociale", "Social innovation"),
    (
        "agrifood-food-safety",
        "Agroalimentare e sicurezza alimentare",
        "Agrifood and food safety",
    ),
    ("welfare-care", "Welfare e cura", "Welfare and care"),
    ("cultural-creative", "Industrie culturali e creative", "Cultural and creative industries"),
    ("housing", "Abitare", "Housing"),
    ("energy-communities", "Comunità energetiche", "Energy communities"),
    ("internationalisation", "Internazionalizzazione", "Internationalisation"),
    ("skills-training", "Competenze e formazione", "Skills and training"),
    (
        "research-technology-transfer",
        "Ricerca e trasferimento tecnologico",
        "Research and technology transfer",
    ),
    ("sustainable-mobility", "Mobilità sostenibile", "Sustainable mobility"),
    ("startups-spinoffs", "Startup e spinoff", "Startups and spinoffs"),
    (
        "workers-buyout",
        "Workers buyout e rigenerazione d'impresa",
        "Workers buyout and business regeneration",
    ),
]

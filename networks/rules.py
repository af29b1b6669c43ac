"""Who may see the network directory: everyone. European and international bodies, their
figures and links are public information.

| URL name              | rule   |
|-----------------------|--------|
| networks:body-list    | public |
| networks:body-detail  | public |
"""

PUBLIC_URLS = frozenset({"networks:body-list", "networks:body-detail"})

"""Topics of the EU Funding & Tenders portal (F&T) as calls of the catalogue.

`records` reads what the portal's search API publishes (or saved copies of it), `mapping`
turns one record into a `Topic` (or says why it cannot), `importer` writes topics as calls,
idempotently, never overwriting what staff changed by hand.
"""

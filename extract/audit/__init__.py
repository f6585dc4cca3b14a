"""The audit: what does not add up inside one document.

Each check is one small function `check(prep, records) -> list[Finding]` in a
module per family (counts, numbering, arithmetic, criteria), declared in that
module's `CHECKS`; a check that finds nothing wrong returns nothing.
`extract.registry` runs them all after the components. Checks across
documents live in `corpus.audit_across`.
"""

"""The audit: what does not add up inside one document.

Each check is one small function `check(prep, records) -> list[Finding]` in a
module per family, declared in that module's `CHECKS` with the `check` column
it reports under (`kind`); a check that finds nothing wrong returns nothing.
`extract.registry` runs them all after the components. Checks across
documents live in `corpus.audit_across`.

- counts: declared lists (`count_mismatch`), met + unmet (`count_sum`);
  breakdown: indicators of M criteria broken down over another number;
  distribution: communes by band of criteria reached against their whole;
- numbering: lists that skip or repeat (`list_numbering`);
- arithmetic: written computations, funding totals, shares above 100%, rates
  on two bases; averages: an average against its total and units, a gap
  between averages; basis: a rate against its own fraction; rates: a share
  against its total; restated: a share against the same part given as an
  amount;
- criteria: names of another set (`set_mismatch`), `status_conflict`;
- units, deadlines, standard_list: a rate with an amount's unit, one task
  with two months, a list of "đạt chuẩn" communes none of which has them all
  (under `other`).

Tolerances and cue words are in gazetteer/data/audit.yaml; each finding's
message comes from one template (gazetteer/data/audit_messages.yaml, English
and Vietnamese) filled with the values kept on the finding (`messages`).
Shared readings (numbers with their units, bounds on amounts) are in
`quantities`.

Checks read the prepared document (numbers, fractions, percentages, amounts,
computations, criterion mentions and indicator ids, structure and sentences,
and the phrases of a word list: `PreparedDoc.phrases`, `phrase_at`, found once
per document) and the records; the readings of a figure they need beyond that
(its exact decimal value, a ratio, a "per" slash) are in `extract.numbers`. A
module that keeps a pattern of its own says why in its docstring.
"""

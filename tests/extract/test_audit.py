"""The audit of one document: golden cases as data (tests/cases/audit.yaml) and the samples."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from extract.computations import find_computations
from extract.audit.messages import LANGUAGES, make_finding, message, placeholders, templates
from extract.prepare import PreparedDoc, prepare
from extract.registry import checks, run_checks, run_components
from tests.conftest import SHARED
from tests.extract.helpers import context_of, load_cases

CHECKS = {c.check for c in checks()} | {"other"}
SEVERITIES: dict[str, set[str]] = {}
for _c in checks():
    SEVERITIES.setdefault(_c.check, set()).update(_c.severities)

# Checks whose messages are still written in code (not yet from a template).
UNTEMPLATED: set[str] = set()


def audit(ctx: PreparedDoc):
    return run_checks(ctx, run_components(ctx))


@pytest.mark.parametrize("case", load_cases("audit"))
def test_audit_case(case):
    findings = audit(context_of(case["text"]))
    assert Counter(f.check for f in findings) == Counter(case["expect"])


@pytest.mark.parametrize("case", [c for c in load_cases("audit") if c.values[0]["expect"]])
def test_findings_are_well_formed(case):
    ctx = context_of(case["text"])
    for f in audit(ctx):
        assert f.check in CHECKS
        assert f.severity in SEVERITIES[f.check]
        assert f.message and f.evidence
        if f.check in UNTEMPLATED:
            continue
        t = templates()[f.params["template"]]
        assert (f.check, f.severity) == (t["check"], t["severity"])
        assert f.message == message(f, "en") and message(f, "vi") != f.message
        for start, end in f.evidence:
            assert 0 <= start < end <= len(ctx.text)


def test_every_template_speaks_both_languages_with_the_same_values():
    for name, t in templates().items():
        assert t["check"] in CHECKS and t["severity"] in ("error", "warning", "info"), name
        assert placeholders(t["en"]) == placeholders(t["vi"]), name
        assert all(t[lang].strip() for lang in LANGUAGES), name


def test_arithmetic_message_gives_written_and_computed_values():
    (f,) = audit(context_of("Hiện nay xã có hộ nghèo: 100 - 29 = 71/1.784 = 3,97% ."))
    assert "3,97%" in f.message and "3,98%" in f.message
    ctx = context_of("Hiện nay xã có hộ nghèo: 100 - 29 = 71/1.784 = 3,97% .")
    s, e = f.evidence[0]
    assert ctx.text[s:e] == "71/1.784 = 3,97%"


def test_chained_computation_is_read_side_by_side():
    (comp,) = find_computations("hộ nghèo: 100 - 29 = 71/1.784 = 3,97%")
    assert [len(s.terms) for s in comp.sides] == [2, 2, 1]
    assert comp.sides[2].terms[0].percent and comp.sides[2].terms[0].decimals == 2


def test_count_mismatch_message_names_both_numbers():
    (f,) = audit(context_of("Các tiêu chí chưa đạt có 03 tiêu chí bao gồm:\n1. Tiêu chí số 1: Quy hoạch;\n2. Tiêu chí số 2: Giao thông."))
    assert "declares 3 criteria" in f.message and "names 2" in f.message
    assert "nêu 3 tiêu chí" in message(f, "vi") and "kể 2" in message(f, "vi")


GOLD = sorted((SHARED / "gold" / "seeds").glob("*.json"))


@pytest.mark.skipif(not GOLD, reason="gold annotations not present")
def test_samples_give_exactly_the_gold_findings(sample_docs):
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        stem = path.stem
        findings = audit(prepare(sample_docs[stem]))
        got = Counter((f.check, f.severity) for f in findings)
        want = Counter((g["check"], g["severity"]) for g in gold["findings"])
        assert got == want, stem


def _quotes(ctx, f):
    return [ctx.text[s:e] for s, e in f.evidence]


def test_average_finding_quotes_every_number_it_used():
    ctx = context_of("Tổng số tiêu chí đạt của 8 xã trong huyện là 101 tiêu chí, bình quân mỗi xã đạt 12,62 tiêu chí.")
    (f,) = audit(ctx)
    assert f.severity == "info" and f.params["rounded"] == "12,63" and f.params["exact"] == "12,6250"
    assert _quotes(ctx, f) == ["8 xã", "101 tiêu chí", "12,62 tiêu chí"]
    assert "cắt bớt" in message(f, "vi") and "truncated" in f.message


def test_average_over_pairs_quotes_the_set_size_it_inferred():
    ctx = context_of("Xã Bình An đạt 18/18 tiêu chí. Đến nay toàn huyện đạt 165 trong tổng số 252 lượt tiêu chí, "
                     "bình quân mỗi xã đạt 11,78 tiêu chí.")
    (f,) = audit(ctx)
    assert f.params["groups"] == "14"
    assert _quotes(ctx, f) == ["165", "252 lượt tiêu chí", "11,78 tiêu chí", "18/18"]


def test_a_former_name_is_info_and_another_sets_name_a_warning():
    former = audit(context_of(next(c.values[0]["text"] for c in load_cases("audit")
                                   if c.values[0]["id"] == "former-name-in-a-2021-plan")))
    other = audit(context_of(next(c.values[0]["text"] for c in load_cases("audit")
                                  if c.values[0]["id"] == "basic-name-in-advanced-plan")))
    assert [(f.check, f.severity) for f in former] == [("set_mismatch", "info")]
    assert [(f.check, f.severity) for f in other] == [("set_mismatch", "warning")]


def test_messages_name_criteria_sets_in_words_and_keep_the_codes_in_their_values():
    from extract.audit.messages import SET_PARAMS, message, set_names
    from gazetteer.criteria import criteria_sets

    for set_id, cset in criteria_sets().items():
        assert set(cset.names) == {"vi", "en"}, set_id
    finding = make_finding("set_mismatch", [(0, 4)], criteria_set="ntm-2021", number=15, name="Hành chính công",
                           other_sets="ntm-nc-2021, ntm-km-2021", canonical="Y tế", elsewhere="")
    assert finding.params["criteria_set"] == "ntm-2021" and set(SET_PARAMS) <= set(finding.params)
    for lang in ("vi", "en"):
        text = message(finding, lang)
        assert not any(code in text for code in criteria_sets()), (lang, text)
        assert set_names("ntm-nc-2021, ntm-km-2021", lang) in text
    assert set_names("ntm-1999", "vi") == "ntm-1999", "an unknown code is shown as it is"


def test_a_status_code_among_a_findings_values_is_shown_as_a_word():
    finding = make_finding("count_mismatch", [(0, 4)], quote="hai tiêu chí chưa đạt", declared=2, status="unmet",
                           period="2024", found=1, criteria=": 15")
    assert finding.params["status"] == "unmet"
    assert "(chưa đạt, 2024)" in message(finding, "vi") and "(not met, 2024)" in message(finding, "en")
    keep = make_finding("count_mismatch", [(0, 4)], quote="q", declared=2, status="-", period="-", found=1, criteria="")
    assert "(-, -)" in message(keep, "vi"), "a value without words is shown as it is"

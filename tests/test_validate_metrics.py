"""Agreement measures against values worked out by hand and a published example."""
import math

import pytest

from newsframe.validate.metrics import binary_scores, cohen_kappa, krippendorff_alpha, precision_recall_f1


def test_precision_recall_f1_by_hand():
    assert precision_recall_f1(3, 1, 2) == pytest.approx((0.75, 0.6, 2 * 0.75 * 0.6 / 1.35))
    assert precision_recall_f1(0, 0, 0) == (0.0, 0.0, 0.0)


def test_kappa_and_alpha_on_a_small_table_by_hand():
    coders, tool = [1, 1, 0, 0], [1, 0, 0, 0]
    # kappa: observed 3/4, expected (2*1 + 2*3)/16 = 1/2 -> (0.75 - 0.5) / 0.5
    assert cohen_kappa(coders, tool) == pytest.approx(0.5)
    # alpha: coincidences (1,1)=2, (1,0)=(0,1)=1, (0,0)=4; n1=3, n0=5, N=8; De = 2*3*5/7; Do = 2
    assert krippendorff_alpha([coders, tool]) == pytest.approx(1 - 2 / (30 / 7))


def test_alpha_on_krippendorffs_published_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units, nominal alpha 0.743
    n = None
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3]
    c = [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]
    assert krippendorff_alpha([a, b, c, d]) == pytest.approx(0.743, abs=0.0005)


def test_kappa_is_nan_when_both_raters_always_agree_on_one_label():
    assert math.isnan(cohen_kappa([1, 1, 1], [1, 1, 1]))


def test_binary_scores_with_always_yes_baseline():
    s = binary_scores([True, True, False, False, False], [True, False, True, False, False])
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1)
    assert s["precision"] == pytest.approx(0.5) and s["recall"] == pytest.approx(0.5)
    # always yes: precision 2/5, recall 1 -> F1 = 2*0.4/1.4
    assert s["baseline_f1"] == pytest.approx(0.8 / 1.4)


def test_binary_scores_rejects_unaligned_inputs():
    with pytest.raises(ValueError):
        binary_scores([True], [True, False])

"""The runs tab's conf search written as ``key=value`` pairs."""

from __future__ import annotations

import pytest

from airdeck_web.conf_search import conf_params


def test_pairs_become_conf_parameters() -> None:
    assert conf_params("region=apac days=3") == {"conf.region": "apac", "conf.days": "3"}
    assert conf_params('note="two words" empty=') == {"conf.note": "two words", "conf.empty": ""}
    assert conf_params("  ") == {}
    assert conf_params("url=a=b") == {"conf.url": "a=b"}


@pytest.mark.parametrize("text", ["region", "=apac", 'note="open'])
def test_a_part_that_is_no_pair_is_named(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        conf_params(text)
    assert "key=value" in str(caught.value) or "quotes" in str(caught.value)

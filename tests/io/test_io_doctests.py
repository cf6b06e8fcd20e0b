"""The examples in the docstrings of riskmap.io run and hold."""

from __future__ import annotations

import doctest

import pytest

import riskmap._errors
import riskmap.io._atomic
import riskmap.io._parse
import riskmap.io._read


@pytest.mark.parametrize("module", [riskmap.io._parse, riskmap.io._read, riskmap.io._atomic,
                                    riskmap._errors])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if module is not riskmap._errors:
        assert result.attempted > 0

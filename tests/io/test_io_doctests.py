"""The examples in the docstrings of riskmap.io run and hold.

Every module listed carries examples: a module whose examples were all removed fails here
(``attempted > 0``) instead of passing with nothing run.
"""

from __future__ import annotations

import doctest

import pytest

import riskmap.io._atomic
import riskmap.io._parse
import riskmap.io._read


@pytest.mark.parametrize("module", [riskmap.io._parse, riskmap.io._read, riskmap.io._atomic],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{module.__name__} has no docstring example left"

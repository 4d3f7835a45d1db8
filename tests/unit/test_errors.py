from __future__ import annotations

import inspect
import pickle

import pytest

import massbalance.errors as errors

CLASSES = [
    obj
    for obj in vars(errors).values()
    if inspect.isclass(obj) and issubclass(obj, errors.MassBalanceError)
]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_error_pickles_with_its_fields(cls):
    err = cls("2012Q1.mass.feed: -5 t is negative", "2012Q1.mass.feed", "-5 t")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.message, back.where, back.value) == (err.message, err.where, err.value)
    assert str(back) == "2012Q1.mass.feed: -5 t is negative"


def test_branches_mix_in_builtins():
    assert issubclass(errors.UnitError, ValueError)
    assert issubclass(errors.DegenerateError, ArithmeticError)
    assert issubclass(errors.ReleaseFormatError, errors.MassBalanceError)

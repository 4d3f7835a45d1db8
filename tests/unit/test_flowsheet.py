from __future__ import annotations

import numpy as np
import pytest

from massbalance import Flowsheet, FlowsheetError, Node
from massbalance.flowsheet import chain_flowsheet


def test_incidence_signs_and_ends():
    fs = Flowsheet(
        {"ro": (["feed"], ["rc", "rt"]), "cl": (["rc"], ["cc", "ct"])},
        elements=["Cu"],
    )
    assert fs.streams == ("feed", "rc", "rt", "cc", "ct")
    assert fs.feeds == ("feed",)
    assert fs.products == ("rt", "cc", "ct")
    np.testing.assert_array_equal(
        fs.incidence(), [[1, -1, -1, 0, 0], [0, 1, 0, -1, -1]]
    )
    assert fs.overall().inputs == ("feed",)
    assert fs.node("cl").outputs == ("cc", "ct")


def test_node_with_no_streams():
    with pytest.raises(FlowsheetError, match="no streams"):
        Flowsheet({"empty": ([], [])})


def test_node_with_one_side_only():
    with pytest.raises(FlowsheetError, match="no output"):
        Node(name="sink", inputs=("a",), outputs=())


def test_stream_leaving_two_nodes():
    with pytest.raises(FlowsheetError, match="leaves two nodes"):
        Flowsheet({"a": (["f"], ["x"]), "b": (["g"], ["x"])})


def test_stream_entering_two_nodes():
    with pytest.raises(FlowsheetError, match="enters two nodes"):
        Flowsheet({"a": (["f"], ["x"]), "b": (["f"], ["y"])})


def test_stream_in_and_out_of_one_node():
    with pytest.raises(FlowsheetError, match="both enter and leave"):
        Flowsheet({"a": (["f"], ["f", "y"])})


def test_unknown_names():
    fs = chain_flowsheet(2)
    with pytest.raises(FlowsheetError):
        fs.node("nope")
    with pytest.raises(FlowsheetError):
        fs.stream_index("nope")
    with pytest.raises(FlowsheetError):
        Flowsheet({})
    with pytest.raises(FlowsheetError):
        Flowsheet({"a b": (["f"], ["g"])})
    with pytest.raises(FlowsheetError):
        Flowsheet({"a": (["f"], ["g"])}, elements=["Cu", "Cu"])
    with pytest.raises(FlowsheetError):
        chain_flowsheet(0)


def test_chain():
    fs = chain_flowsheet(3)
    assert len(fs.nodes) == 3
    assert fs.products == ("conc1", "conc2", "conc3", "tail3")

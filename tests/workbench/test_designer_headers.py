"""Designer headers never crowd: no button of one column touches a neighbour's, units start below them."""

import pytest

from engine import Network
from workbench.designer import DesignerPanel
from workbench.designer.headers import GAP
from workbench.designer.items import Button, set_font_scale


@pytest.fixture
def restore_scale():
    yield
    set_font_scale(1.0)


@pytest.mark.parametrize("width, scale", [(460, 1.0), (760, 1.0), (1300, 1.0), (900, 2.0)])
def test_header_buttons_of_neighbouring_columns_keep_a_gap(qtbot, restore_scale, width, scale):
    set_font_scale(scale)
    net = Network.create([2, 8, 8, 8, 1], ["tanh", "tanh", "tanh", "sigmoid"], seed=0)
    panel = DesignerPanel(net, ["x1", "x2"], ["P(1)"], "binary")
    qtbot.addWidget(panel)
    panel.resize(width, 420)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view
    rects = [[item.sceneBoundingRect() for item in h["frame"].childItems() if isinstance(item, Button)]
             for h in view._headers]
    for c in range(len(rects) - 1):
        right_edge = max(r.right() for r in rects[c] if r.width() < 40)  # the small edit buttons
        left_edge = min(r.left() for r in rects[c + 1] if r.width() < 40)
        assert left_edge - right_edge >= GAP - 0.5, (c, right_edge, left_edge)
    header_bottom = max(r.bottom() for col in rects for r in col)
    first_unit_top = min(view.unit_pos(c, 0).y() for c in range(net.N + 1)) - view._radius
    assert first_unit_top > header_bottom
    assert all(r.left() >= 0 and r.right() <= view.scene().sceneRect().width() for col in rects for r in col)

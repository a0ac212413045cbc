"""A pyqtgraph ViewBox whose context menu is built at the first right-click, not with the plot.

pyqtgraph builds every ViewBox's menu (two axis forms, the view links, mouse modes) when the
plot is made, although most plots are never right-clicked: at start-up that is a good part of
the window's construction. `ViewBox` here makes the same menu on demand (`getMenu`), with the
same state (`menuEnabled`, `setMenuEnabled`); plots pass one in: `pg.PlotWidget(viewBox=ViewBox())`.
"""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu


class ViewBox(pg.ViewBox):
    """pg.ViewBox with its context menu made when it is first shown (right-click)."""

    def __init__(self, *args, enableMenu: bool = True, **kwargs):  # noqa: N803 - pyqtgraph's keyword
        super().__init__(*args, enableMenu=False, **kwargs)
        self.state["enableMenu"] = enableMenu

    def _applyMenuEnabled(self) -> None:  # noqa: N802 - pyqtgraph override
        """Enabled: nothing to build yet (getMenu does); disabled: the menu, if made, goes."""
        if not self.state.get("enableMenu", True) and self.menu is not None:
            self.menu.setParent(None)
            self.menu = None

    def getMenu(self, ev=None):  # noqa: N802 - pyqtgraph override
        if self.menu is None and self.menuEnabled():
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()
        return self.menu

    def getContextMenus(self, event):  # noqa: N802 - pyqtgraph override
        return self.getMenu(event).actions() if self.menuEnabled() else []

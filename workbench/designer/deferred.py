"""The network view's scene laid out when it is needed, not at every change while the view is hidden.

While the main window is built the view is laid out for a network, a data set and maps it does
not keep (the default network, then the session's, then its maps: three builds at a size it
never has on screen). `rebuild()` builds at once when the view is on screen; when it is hidden
it only drops what the build makes (BUILT), and the scene is built at the first use of one of
those (a unit's position, the edges, a header's button, the scene's items), when the view is
shown or resized on screen, or painted (a grab): with the network, size and maps of that moment.
"""

from __future__ import annotations

#: what `build()` lays out and creates: the view's geometry and the scene's items
BUILT = frozenset({
    "_built_for", "margin_left", "margin_right", "_xs", "_headers", "_input_slots", "_slot_ys", "_radius", "_cols",
    "_ellipsis_y", "edges", "_bias_idx", "_b", "_bias_level", "edge_layer", "_selection_item", "_unit_items",
    "_ghosts", "_circles", "map_items",
})


class BuiltWhenNeeded:
    """NetworkView's `rebuild()`: the scene built now when on screen, else at its first use (`build()` builds it)."""

    _deferred = False

    def rebuild(self) -> None:
        """Lay the scene out again for the current network, size and maps: now, or when needed while hidden."""
        if self.isVisible():
            self.build()
            return
        for name in BUILT:
            self.__dict__.pop(name, None)
        self._deferred = True

    def ensure_built(self) -> None:
        if self._deferred:
            self.build()

    def __getattr__(self, name: str):
        if name in BUILT and self.__dict__.get("_deferred"):
            self.build()
            return getattr(self, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def scene(self):
        self.ensure_built()
        return super().scene()

    def showEvent(self, event):  # noqa: N802 - Qt override
        self.ensure_built()
        super().showEvent(event)

    def paintEvent(self, event):  # noqa: N802 - Qt override
        self.ensure_built()
        super().paintEvent(event)

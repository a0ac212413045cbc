#!/usr/bin/env bash
# Build the wheel and the standalone bundle, then smoke-test both (packaging/smoke.sh).
#
#     bash packaging/build.sh            # PYTHON=python3.11 bash packaging/build.sh to pick the Python
#
# dist/backprop_workbench-<version>-py3-none-any.whl   the regular wheel (python -m build)
# dist/backprop-workbench/                           PyInstaller one-directory bundle: run
#                                                    dist/backprop-workbench/backprop-workbench
# The tools (build, PyInstaller) go into build/packaging-venv, never into your environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TOOLS=build/packaging-venv
ID=org.backpropworkbench.BackpropWorkbench

[ -x "$TOOLS/bin/python" ] || "$PYTHON" -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install -q --upgrade pip
"$TOOLS/bin/python" -m pip install -q "build>=1.2" "pyinstaller>=6.10"

echo "== wheel"
rm -f dist/backprop_workbench-*.whl
"$TOOLS/bin/python" -m build --wheel --outdir dist . >build/wheel.log
wheel=$(ls dist/backprop_workbench-*.whl)
echo "$wheel"

echo "== bundle (PyInstaller, one directory)"
# the app as installed from the wheel is what PyInstaller analyses (not the checkout)
"$TOOLS/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"
"$TOOLS/bin/python" -m pip install -q "$wheel"
# Qt modules the app never imports (PySide6-Essentials ships QML/Quick; the rest is excluded
# in case a full PySide6 is installed), and big libraries that are only optional imports.
# pyqtgraph itself imports QtOpenGL, QtOpenGLWidgets and QtTest: those stay.
excluded=(PySide6.QtQml PySide6.QtQuick PySide6.QtQuickWidgets PySide6.QtQuickControls2 PySide6.QtQuickTest
          PySide6.QtQuick3D PySide6.Qt3DCore PySide6.Qt3DRender PySide6.Qt3DInput PySide6.Qt3DLogic
          PySide6.Qt3DAnimation PySide6.Qt3DExtras PySide6.QtWebEngineCore PySide6.QtWebEngineWidgets
          PySide6.QtWebEngineQuick PySide6.QtWebChannel PySide6.QtWebSockets PySide6.QtMultimedia
          PySide6.QtMultimediaWidgets PySide6.QtNetwork PySide6.QtSql PySide6.QtDesigner
          PySide6.QtUiTools PySide6.QtHelp PySide6.QtPdf PySide6.QtPdfWidgets PySide6.QtConcurrent PySide6.QtDBus PySide6.QtXml PySide6.QtPrintSupport
          pyqtgraph.opengl tkinter matplotlib scipy pandas IPython PyQt5 PyQt6 PySide2)
# the bundled data, icons included, at _internal/resources/ (engine/data/resources.py finds it there)
data=()
for d in resources/*/; do
  d=${d%/}
  [ "$d" = resources/screenshots ] || data+=(--add-data "$PWD/$d:$d")
done
args=()
for m in "${excluded[@]}"; do args+=(--exclude-module "$m"); done
"$TOOLS/bin/pyinstaller" --noconfirm --clean --onedir --windowed --log-level WARN \
  --name backprop-workbench --distpath dist --workpath build/pyinstaller --specpath build/pyinstaller \
  "${data[@]}" \
  "${args[@]}" packaging/pyinstaller_entry.py
# Qt parts no desktop session uses: its translations (the app is English), and the platform
# plugins for framebuffers, EGL without a window system, VNC and Vulkan displays
qt=dist/backprop-workbench/_internal/PySide6/Qt
rm -rf "$qt/translations" "$qt/plugins/egldeviceintegrations" "$qt/plugins/generic"
rm -f "$qt"/plugins/platforms/lib{qeglfs,qlinuxfb,qminimalegl,qvkkhrdisplay,qvnc}.so
# and the libraries only those plugins linked (the links beside them too)
for lib in libQt6Network libQt6EglFSDeviceIntegration libQt6EglFsKmsSupport; do
  rm -f "$qt/lib/$lib.so.6" "dist/backprop-workbench/_internal/$lib.so.6"
done
# the Python this runs on may ship its library and extension modules with debug symbols (23 MB
# of libpython): strip those, not Qt's or numpy's (already stripped)
if command -v strip >/dev/null; then
  strip --strip-unneeded dist/backprop-workbench/_internal/libpython3*.so* \
        dist/backprop-workbench/_internal/python3*/lib-dynload/*.so
fi
# the desktop files beside it, for a copy into ~/.local/share (see README)
cp "packaging/$ID.desktop" "packaging/$ID.metainfo.xml" dist/backprop-workbench/
echo "bundle: dist/backprop-workbench, $(du -sh dist/backprop-workbench | cut -f1)" \
     "($(du -sh --apparent-size dist/backprop-workbench | cut -f1) apparent)"

echo "== smoke"
bash packaging/smoke.sh "$wheel" dist/backprop-workbench

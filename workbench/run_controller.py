"""The run controller: every change to what is being trained, as public methods the window's
actions and the undo commands (workbench.commands) call.

Install a run, change settings / dataset / network, new seed, reset. A designer edit or another
dataset builds a new run on the GUI thread with `engine.run.assemble` (same data and settings,
the given weights) and hands it to the worker (`Load`): the iteration count and the curves
restart at 0. It edits the experiment through the window's `Session` and keeps the three
editing panels (designer, dataset, run controls) in step with it; their signals during that
are not user edits (`quiet`).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from engine.core.errors import WorkbenchError
from engine.core.network import Network
from engine.io.experiment import Experiment
from engine.run import assemble
from engine.training import edits

from . import trained_state
from .commands import DatasetChange, InputFeaturesChange, ParametersChange, SettingsChange, WeightEditCommand
from .datapanel.choice import DatasetChoice, training_refusal
from .designer import default_output
from .session import with_seed, with_settings
from .worker import commands as wc

#: the errors that mean "this experiment cannot be set up", said in words, never a traceback
SETUP_ERRORS = (WorkbenchError, OSError, KeyError, TypeError, ValueError)


def output_names(data) -> list[str]:
    """The network's output names for `data`: targets, P(class 1) for a single binary output, or classes."""
    if data.problem == "regression":
        return list(data.target_names)
    if data.problem == "binary" and data.n_outputs == 1 and len(data.class_names) == 2:
        return [f"P({data.class_names[1]})"]
    return list(data.class_names)


def padded_names(names, n: int, stem: str) -> list[str]:
    """The first n of `names`, then stem1, stem2, … for the units without one."""
    names = [str(s) for s in list(names or [])[:n]]
    return names + [f"{stem}{m + 1}" for m in range(len(names), n)]


class RunController:
    """Owns which run the window shows: its id, data and the panels' view of it."""

    def __init__(self, host):
        self.host = host
        #: the worker's run id the window expects (older snapshots are ignored)
        self.run_id = 1
        #: (dataset section, Dataset, PreparedData) of the current run
        self.run_data = None
        #: the current run as the views see it: data and sizes only (never its live weights)
        self.view_run = None
        self._syncing = 0
        self._resume_after_edit = False
        #: the message of the last install `commit` refused ("" while none was)
        self.refusal = ""
        self._checked = None  # (network, experiment, run) of the designer edit checked last

    # -- the editing panels --------------------------------------------------------------
    @property
    def designer(self):
        return self.host.panels["NetworkDesignerDock"].designer

    @property
    def data_panel(self):
        return self.host.panels["DatasetDock"].data_panel

    @property
    def controls(self):
        return self.host.panels["RunControlsDock"].controls

    @property
    def undo_stack(self):
        """The window's one undo stack (the designer's): network, weight, setting and dataset changes."""
        return self.designer.editor.undo_stack

    @property
    def session(self):
        return self.host.session

    def send(self, command) -> None:
        self.host.send(command)

    @contextmanager
    def quiet(self):
        """While the controller updates a panel itself, the panel's signals are not user edits."""
        self._syncing += 1
        try:
            yield
        finally:
            self._syncing -= 1

    @property
    def syncing(self) -> bool:
        return self._syncing > 0

    def running(self) -> bool:
        s = self.host.last_snapshot
        return s is not None and s.state == "running"

    # -- runs ----------------------------------------------------------------------------
    def load_run(self, sync_panel: bool = False, clear_undo: bool = False, restore_state: bool = False,
                 session=None) -> bool:
        """Build a fresh run of the session's experiment (or of `session`, which becomes the window's) and
        install it; False and one message if it cannot, and then nothing has changed (`commit`).

        restore_state: continue from the trained state saved beside the file (workbench.trained_state)."""
        session = session or self.session
        try:
            run = session.build()
        except SETUP_ERRORS as e:
            self.host.show_error(f"Could not set up the experiment: {e}")
            return False
        restored = trained_state.restore_sidecar(run, session.path) if restore_state and session.path else None
        exp = session.experiment
        section = exp.dataset.to_dict()
        refusal = training_refusal(DatasetChoice(section, run.dataset, run.data))
        if refusal:  # before any panel shows it
            self.host.show_error(f"Could not set up the experiment: {refusal}. Nothing was changed.")
            return False

        def install():
            self.host.session = session
            if sync_panel:
                with self.quiet():
                    if self.data_panel.set_section(section, exp.base_dir, seed=exp.dataset_seed) is None:
                        raise WorkbenchError(self.data_panel.error_text() or "the dataset cannot be shown")
            self.run_data = (section, run.dataset, run.data)
            self.sync_designer(run.network.copy(), run.data)
            self.install_run(run)

        if not self.commit(install, "Could not set up the experiment"):
            return False
        if restore_state:
            session.saved_iteration = run.trainer.iteration
        if clear_undo:
            self.undo_stack.clear()  # only once the new experiment is in: a refused one leaves the old undo
        if restored is not None:
            self.host.log_message(restored)
            self.host.status_message(restored, 10000)
        return True

    def commit(self, install, what: str) -> bool:
        """Run `install()`, which makes a new experiment current in session, panels and worker (the
        worker's Load last); if any part fails, all is put back as it was — the worker never saw the
        new run — and one message says why. True when it is in."""
        before = self._state()
        try:
            install()
        except Exception as e:  # noqa: BLE001 - whatever failed, the window must not stay half-switched
            self._restore(before)
            self.refusal = f"{what}: {e or type(e).__name__}. Nothing was changed."
            self.host.show_error(self.refusal)
            return False
        return True

    def _state(self) -> tuple:
        session = self.host.session
        return (session, session.experiment, session.dirty, self.run_data, self.view_run,
                self.designer.editor.network.copy(), self.data_panel.current_choice)

    def _restore(self, state: tuple) -> None:
        """Put back what `_state` recorded: session, dataset panel, designer and the panels' run."""
        session, experiment, dirty, run_data, view_run, network, choice = state
        self.host.session = session
        session.experiment, session.dirty = experiment, dirty
        self.run_data = run_data
        with self.quiet():
            if choice is not None and self.data_panel.current_choice is not choice:
                self.data_panel.show_active(choice, experiment.base_dir, experiment.dataset_seed)
            if run_data is not None:
                self.sync_designer(network, run_data[2])
        if view_run is not None:
            self.view_run = view_run
            for panel in self.host.panels.values():
                panel.set_run(view_run)
        self.host.update_title()

    def install_run(self, run) -> None:
        """Show `run` in every panel and hand it to the worker (which owns it from then on)."""
        self.view_run = run
        for panel in self.host.panels.values():
            if panel.ready:  # a lazy panel gets the run when it is built
                panel.set_run(run)
        if self.host.worker is None:
            self.host.start_worker(run)
        else:
            self.run_id += 1
            self.send(wc.Load(run))
        self.host.banner.hide()

    def reset(self) -> None:
        """The same seed again: identical initial weights and batch order."""
        self.load_run()

    def new_seed(self) -> None:
        seed = int(self.session.experiment.to_dict().get("seed", 0)) + 1
        self.session.replace(with_seed(self.session.experiment, seed))
        self.host.log_message(f"new seed {seed}")
        self.load_run()
        self.host.update_title()

    def sync_designer(self, network: Network, data, clear_undo: bool = False) -> None:
        """Show `network` (a copy the designer may keep) with the data's feature and class names."""
        ed = self.designer.editor
        exp = self.session.experiment
        ed.problem = data.problem
        ed.raw_inputs, ed.input_features = data.n_raw_inputs, tuple(data.input_features)
        ed.feature_names = padded_names(data.feature_names, network.sizes[0], "x")
        ed.output_names = padded_names(output_names(data), network.sizes[-1], "y")
        ed.divergence = exp.training.divergence
        ed.init = exp.network.init
        ed.seed = int(exp.seed)
        with self.quiet():
            ed.set_network(network, clear_undo=clear_undo)

    def read_parameters(self):
        """Pause the worker and read its exact current θ (a copy), between two iterations."""
        self.send(wc.Pause())
        try:
            return self.host.worker.request(wc.ReadParameters())
        except Exception:  # noqa: BLE001 - the snapshot's weights are the fallback
            return None

    # -- settings ------------------------------------------------------------------------
    def change_settings(self, changes: dict) -> None:
        """Record a setting change in the experiment (undoable) and apply it at the worker's next update."""
        old = self.session.settings()
        try:
            self.session.change_settings(changes)
        except SETUP_ERRORS as e:
            self.host.show_error(f"Not applied: {e}")
            self.controls.load(self.session.settings())  # show what is in effect
            return
        self.undo_stack.push(SettingsChange(self, old, self.session.settings(), "change " + ", ".join(changes)))
        if "divergence" in changes:
            with self.quiet():  # the designer's note on the output pair
                self.designer.editor.set_divergence(changes["divergence"])
        command = dict(changes)
        if "optimizer_params" in command and "optimizer" not in command:
            # Trainer.configure ignores optimizer_params given alone (it takes the current
            # optimiser object as a replacement); naming the optimiser applies them in place
            command["optimizer"] = self.session.settings()["optimizer"]
        self.send(wc.Configure(command))
        self.host.log_message("changed " + ", ".join(f"{k} = {v}" for k, v in changes.items()))
        self.host.update_title()

    def restore_settings(self, settings: dict) -> None:
        """SettingsChange undo / redo: only the training settings change, not network or data."""
        self.session.replace(with_settings(self.session.experiment, settings))
        self.controls.load(settings)
        self.send(wc.Configure(settings))
        with self.quiet():
            self.designer.editor.set_divergence(settings["divergence"])
        self.host.update_title()

    # -- weights -------------------------------------------------------------------------
    def edit_weight(self, k: int, i: int, j: int, value: float, old: float) -> None:
        """An inspector edit (paused): undoable, applied by the worker in place."""
        self.undo_stack.push(WeightEditCommand(k, i, j, value, old, apply=self.set_weight))

    def set_weight(self, k: int, i: int, j: int, value: float) -> None:
        self.send(wc.SetWeight(k, i, j, float(value)))

    def edit_parameters(self, old, new, text: str) -> None:
        """A whole-θ edit (paused): undoable, applied by the worker in place."""
        self.undo_stack.push(ParametersChange(self, old, new, text))

    def set_parameters(self, theta) -> None:
        """θ ← theta; training pauses first (an undo or redo of a move made while it ran)."""
        theta = np.array(theta, dtype=np.float64)
        theta.flags.writeable = False
        self.send(wc.Pause())
        self.send(wc.SetParameters(theta))

    # -- the network ---------------------------------------------------------------------
    def before_network_edit(self) -> None:
        """The designer is about to edit: pause, and let it start from the weights trained so far."""
        self._resume_after_edit = self.running()
        theta = self.read_parameters()
        if theta is not None:
            self.designer.editor.set_live_parameters(theta)

    def check_network(self, network) -> None:
        """Raise a WorkbenchError if a designer edit's `network` cannot be trained on the current data (the
        edit is then refused and never pushed); the run built for it is kept for `network_changed`."""
        try:
            experiment = self.session.experiment.with_network(network)
            _, dataset, data = self.run_data
            self._checked = (network, experiment, assemble(experiment, dataset, data, network.copy()))
        except (ValueError, TypeError) as e:  # a WorkbenchError passes as it is
            raise WorkbenchError(str(e)) from None

    def network_refused(self, message: str) -> None:
        """A designer edit was refused: say why, and go on training if the edit had paused it."""
        self.host.status_message(f"Not done: {message}")
        if self._resume_after_edit:
            self._resume_after_edit = False
            self.send(wc.Start())

    def network_changed(self, network) -> None:
        """A designer edit, undo or redo: the experiment follows and the trainer is rebuilt on it.

        Same data and settings, the given weights (nothing re-initialised beyond what the edit
        drew); the trainer starts afresh: iteration count and history restart at 0.
        """
        if self.syncing:
            return
        resume = self._resume_after_edit or self.running()
        self._resume_after_edit = False
        if resume:
            self.send(wc.Pause())
        checked, self._checked = self._checked, None
        try:
            if checked is not None and checked[0] is network:  # the edit's run, built when it was checked
                experiment, run = checked[1:]
            else:  # undo / redo of an edit checked before
                experiment = self.session.experiment.with_network(network)
                _, dataset, data = self.run_data
                run = assemble(experiment, dataset, data, network.copy())
        except (WorkbenchError, ValueError, TypeError) as e:
            self.host.show_error(f"Network not applied: {e}")
            if resume:
                self.send(wc.Start())
            return
        self.session.replace(experiment)
        self.install_run(run)
        if resume:
            self.send(wc.Start())
        sizes = "-".join(map(str, network.sizes))
        self.host.log_message(f"network {sizes} ({', '.join(network.activation_names)}): training goes on from "
                              "the current weights; the iteration count and the curves restart at 0")
        self.host.status_message(f"network {sizes}: iterations and curves restart at 0 (Ctrl+Z undoes)")
        self.host.update_title()

    # -- derived input features -----------------------------------------------------------
    def set_input_features(self, names) -> None:
        """The designer's feature toggles: n_0 = D + F with the experiment's `network.input_features`
        = names (undoable); W^(1) keeps the rows of the inputs that stay, a new feature's row is drawn."""
        section, dataset, data = self.run_data
        names, old = tuple(names), tuple(data.input_features)
        if self.syncing or names == old:
            return
        resume = self.running()
        theta = self.read_parameters()
        ed = self.designer.editor
        net = ed.network
        net = Network(net.sizes, net.activation_names, theta, net.dtype) \
            if theta is not None and theta.shape == net.parameters.shape else net.copy()
        D = data.n_raw_inputs
        try:
            new_data = data.without_features().with_features(names)
            rows = list(range(D)) + [D + old.index(n) if n in old else None for n in names]
            new = edits.set_input_rows(net, rows, ed.next_rng(), ed.init)
            doc = self.session.experiment.to_dict()
            doc["network"]["input_features"] = list(names)
            doc["network"]["sizes"] = list(new.sizes)
            experiment = Experiment.from_dict(doc, base_dir=self.session.experiment.base_dir)
        except WorkbenchError as e:
            self.host.show_error(f"Input features not applied: {e}")
            return
        before = (self.session.experiment, net, self.run_data)
        after = (experiment, new, (section, dataset, new_data))
        label = ", ".join(new_data.feature_names[D:]) or "none"
        self.undo_stack.push(InputFeaturesChange(self, before, after, f"Input features: {label}"))
        self.host.log_message(f"input features: {label} (n_0 = {new.sizes[0]}); the other weights kept, "
                              "iterations and curves restart at 0")
        if resume:
            self.send(wc.Start())

    # -- the dataset ---------------------------------------------------------------------
    def _adapted_network(self, choice):
        """The current network (trained weights) with its ends fitted to `choice`; what changed."""
        theta = self.read_parameters()
        ed = self.designer.editor
        net = ed.network
        if theta is not None and theta.shape == net.parameters.shape:
            net = Network(net.sizes, net.activation_names, theta, net.dtype)
        else:
            net = net.copy()
        new, changed = net, []
        n_in, n_out = choice.n_inputs, choice.n_outputs
        if n_in != net.sizes[0]:
            new = edits.resize_inputs(new, n_in, ed.next_rng(), ed.init)
            changed.append(f"input layer ({net.sizes[0]} → {n_in} units)")
        if not (n_out == net.sizes[-1] or (choice.problem == "binary" and net.sizes[-1] == 2)):
            new = edits.resize_layer(new, new.N, n_out, ed.next_rng(), ed.init)
            changed.append(f"output layer ({net.sizes[-1]} → {n_out} units)")
        return net, new, changed

    def _refuse_dataset(self, text: str) -> None:
        self.data_panel.refuse(text)
        self.host.show_error(f"Dataset not used: {text}")

    def _dataset_experiment(self, choice, new):
        """The experiment of the current one on `choice` with the adapted network `new` (its output adapted too)."""
        exp = self.session.experiment
        doc = exp.to_dict()
        doc["dataset"] = dict(choice.section)
        if choice.problem != self.run_data[2].problem:
            activation, divergence = default_output(choice.problem)
            new = edits.set_activation(new, new.N, activation)
            doc["training"]["divergence"] = divergence
        doc["network"]["sizes"] = list(new.sizes)
        doc["network"]["activations"] = list(new.activation_names)
        doc["network"]["input_features"] = []  # another dataset starts from its own inputs (toggle them again)
        return Experiment.from_dict(doc, base_dir=exp.base_dir), new

    def dataset_chosen(self, choice) -> None:
        """Another dataset from the panel: swap it in, adapting the network's ends if needed (undoable).

        Either all of it is installed (session, worker, panels, one undo command) or nothing changes,
        the panel keeps the dataset before as the active one and the message says why."""
        if self.syncing:
            return
        refusal = training_refusal(choice)
        if refusal:
            self._refuse_dataset(refusal)
            return
        resume = self.running()
        exp = self.session.experiment
        old_section = self.run_data[0]
        try:
            net, new, changed = self._adapted_network(choice)
            experiment, new = self._dataset_experiment(choice, new)
        except SETUP_ERRORS as e:
            self._refuse_dataset(str(e))
            if resume:
                self.send(wc.Start())
            return
        before = (exp, net, self.run_data)
        after = (experiment, new, (dict(choice.section), choice.dataset, choice.data))
        name = choice.dataset.name or choice.source

        def use_it():
            self.refusal = ""
            self.undo_stack.push(DatasetChange(self, before, after, f"Use dataset {name}"))
            if self.refusal:  # not installed (the command made itself obsolete and is gone)
                self.data_panel.refuse(self.refusal)
                if resume:
                    self.send(wc.Start())
                return
            if changed:
                self.host.banner.show_message(
                    f"Now training on {name}. Re-initialised: {' and '.join(changed)}; the hidden layers kept "
                    "their weights. Ctrl+Z brings the previous dataset and network back.", "info")
            self.host.log_message(f"dataset {name}" + (f"; re-initialised {', '.join(changed)}" if changed else
                                                       "; weights kept") + "; iterations and curves restart at 0")
            if resume:
                self.send(wc.Start())

        if not changed:
            use_it()
            return

        def cancel():
            with self.quiet():
                self.data_panel.set_section(old_section, exp.base_dir, seed=exp.dataset_seed)
            if resume:
                self.send(wc.Start())

        self.host.banner.ask(f"{name} needs a network with {choice.n_inputs} inputs and {choice.n_outputs} outputs: "
                             f"the {' and '.join(changed)} will be re-initialised (hidden layers keep their weights; "
                             "undo with Ctrl+Z).", "Re-initialise and use it", use_it, cancel)

    def install_dataset(self, experiment, network, data, update_panel: bool) -> bool:
        """DatasetChange: make (experiment, network, data) current and rebuild the run on them; False (one
        message, nothing changed) if that cannot be done — the command then drops itself from the stack."""
        section, dataset, prepared = data

        def install():
            run = assemble(experiment, dataset, prepared, network.copy())
            self.session.replace(experiment)
            if update_panel:
                with self.quiet():
                    if self.data_panel.set_section(section, experiment.base_dir, seed=experiment.dataset_seed) is None:
                        raise WorkbenchError(self.data_panel.error_text() or "the dataset cannot be shown")
            self.run_data = data
            self.sync_designer(network.copy(), prepared)
            self.install_run(run)
            self.host.update_title()

        return self.commit(install, "Dataset not used")

"""``phicode run``: the pipeline, its stages, where they run and how they resume.

- :mod:`.driver`: :func:`run_pipeline` (mine, the stages in order, write, report) and
  the :class:`Funnel` it counts;
- :mod:`.config`: :class:`PipelineConfig`, every setting of a run;
- :mod:`.stage`: what a stage is, and how a unit of it is resumed from the state;
- :mod:`.stages`: the stages (synth, fidelity, cases, mutation) and their stored units;
- :mod:`.workbench`: a pool and a lazily loaded model, what a stage computes with;
- :mod:`.executor` (here) and :mod:`.cluster` (Ray): where units are computed;
- :mod:`.state`: the SQLite store of finished units.
"""

from __future__ import annotations

from phicode.lazy import lazy_attributes

_WHERE = {
    "PipelineConfig": "phicode.pipeline.config",
    "Funnel": "phicode.pipeline.funnel",
    "run_pipeline": "phicode.pipeline.driver",
}
__getattr__ = lazy_attributes(__name__, _WHERE)
__all__ = ["Funnel", "PipelineConfig", "run_pipeline"]

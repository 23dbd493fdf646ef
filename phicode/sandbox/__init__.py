"""The sandbox's host side: the engine, the warm pool, the image and its checks.

What runs *inside* the container is the top-level ``sandbox/`` folder (stdlib and
pytest only); this package starts and drives it. The doorway between the two is a
job going in and a result coming out:

- :mod:`.jobs`: the job, one frozen type, the protocol's job on the host side;
- :mod:`.runner`: what a stage needs of a pool (``JobRunner``) and the one fan-out;
- :mod:`.result`: what the sandbox saw (``RunResult``), never what it means;
- :mod:`.config`: limits and size (no docker SDK: options parse without it);
- :mod:`.engine`: the one module that imports the docker SDK;
- :mod:`.pool`: warm containers, one per worker, and the sealed room;
- :mod:`.image`: ``phicode sandbox build``; :mod:`.doctor`: ``phicode sandbox doctor``.

What a result *means* is decided elsewhere: :mod:`phicode.judge` (pytest) and
:mod:`phicode.cases` (the case judge).
"""

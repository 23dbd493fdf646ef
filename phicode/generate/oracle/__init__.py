"""The snippet as oracle: what it really does on given calls is the ground truth of a test.

- :mod:`.inputs`: the calls (``Case``): from the docstring, from type hints and names, neighbours;
- :mod:`.probe`: the program that runs *inside the sandbox* and calls the entry point (stdlib only,
  shipped into the job as a file);
- :mod:`.observe`: the host side: one sandbox job per snippet -> ``Observed`` values;
- :mod:`.asserts`: observed values -> pytest asserts;
- :mod:`.complete`: a model's test answer completed with the snippet's values;
- :mod:`.examples`: a question's examples made true.
"""

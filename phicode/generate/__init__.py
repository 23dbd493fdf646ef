"""Generation: prompts, backends, parsing, synthesis and the repair loop."""

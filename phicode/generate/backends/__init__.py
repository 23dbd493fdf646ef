"""Model backends: ``hf`` (in-process), ``openai`` (any compatible server), ``template`` (no model)."""

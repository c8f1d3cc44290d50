"""Learning: kg train fits the decision models (kg/rules/model.py) on annotated sources."""

"""The operations plan of a stage: one core (budget, days, units, travel) and a module per task.

- :mod:`riskmap.planner.core`: the stage context every task module receives and the task rows
  every module returns (the columns of ``tasks.csv`` and ``movements.geojson``).
- one module per kind of work on top of it (TPS teams, venue guards, patrols, escorts,
  reserve, the escalation ladder), each a pure function from the stage's scored tables to
  task rows.
"""

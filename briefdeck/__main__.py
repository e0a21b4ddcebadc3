from .handoff import run

run()

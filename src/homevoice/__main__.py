from homevoice.cli.main import run

run()

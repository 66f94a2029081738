from homevoice.cli.main import run

# Guarded: synthesis worker processes are spawned, and spawning imports the main module again.
if __name__ == "__main__":
    run()

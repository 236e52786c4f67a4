"""`python -m ruadapt ...` (and `accelerate launch -m ruadapt ...`) runs the CLI."""

from ruadapt.cli import main

if __name__ == "__main__":
    main()

"""Launcher of the web chat (`make run`, or `python app.py`); the chat is `qa/web/app.py`, started as `qa serve`."""
import sys

from qa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve"]))

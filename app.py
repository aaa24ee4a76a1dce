"""Launcher of the web chat (`make run`, or `python app.py`); the chat is `qa/web/app.py`, as `qa serve`."""
from qa.web.app import main

if __name__ == "__main__":
    main()

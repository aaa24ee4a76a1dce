"""The web chat: a Gradio ChatInterface over `qa.answer`.

Parses the user's message, calls the library, renders with `qa.chatformat`.
Local by default (127.0.0.1:7860, QA_HOST/QA_PORT), no share links, no
analytics, no web fonts: the page makes no request outside this machine.
"""
from __future__ import annotations

from qa.config import apply_offline_env

apply_offline_env()  # before gradio is imported: analytics off, hub offline

import gradio as gr  # noqa: E402

from qa import api  # noqa: E402
from qa.chatformat import SEARCHING, answer_html, para, sources_html  # noqa: E402
from qa.config import Settings, load_settings  # noqa: E402
from qa.errors import QAError  # noqa: E402

EXAMPLES = [
    "Who proposed a ground operation?",
    "من اقترح عملية برية؟",
    "What did Russia ask the Security Council to do?",
    "متى دعت تركيا إلى تدخل عسكري بري في سوريا؟",
]

CSS = """
.qa-quote, .qa-text, .qa-notfound, .message p, textarea {
  unicode-bidi: plaintext; text-align: start;
}
.qa-quote { border-inline-start: 4px solid #c98b00; padding-inline-start: .6em; margin: 0; }
.qa-passage mark { background: #ffe58a; color: inherit; padding: 0 .1em; }
.qa-meta { font-size: .85em; opacity: .75; margin-bottom: .2em; }
.qa-passage { margin-bottom: .8em; }
body, textarea, .message {
  font-family: "Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", sans-serif;
}
"""


def respond(message: str, history: list[dict], settings: Settings):
    """Stream "searching…", then the answer and a collapsible sources message."""
    yield [gr.ChatMessage(role="assistant", content=SEARCHING)]
    try:
        ans = api.answer(message, history=history, index_dir=settings.index_dir, model=settings.model,
                         k=settings.k)
    except QAError as exc:
        yield [gr.ChatMessage(role="assistant", content=para(str(exc), "qa-error"))]
        return
    title = "المصادر" if ans.language == "ar" else "Sources"
    yield [
        gr.ChatMessage(role="assistant", content=answer_html(ans)),
        gr.ChatMessage(role="assistant", content=sources_html(ans),
                       metadata={"title": f"{title} ({len(ans.passages)})", "status": "done"}),
    ]


def build_ui(settings: Settings) -> gr.Blocks:
    def chat(message: str, history: list[dict]):
        yield from respond(message, history, settings)

    return gr.ChatInterface(
        chat,
        title="qa — ask your news documents",
        description="Ask in English, Arabic or another language; answers quote the documents in `seeds/`.",
        examples=EXAMPLES,
        run_examples_on_click=True,
        cache_examples=False,
        chatbot=gr.Chatbot(height=560, sanitize_html=True, rtl=False),
        textbox=gr.Textbox(placeholder="Ask a question… / اطرح سؤالاً…", rtl=False, elem_id="qa-input"),
        concurrency_limit=4,
        flagging_mode="never",
    )


def main(host: str | None = None, port: int | None = None) -> None:
    settings = load_settings().with_overrides(host=host, port=port)
    api.retriever_for(settings).search("warm up", k=1)  # load model and index before the first user
    demo = build_ui(settings)
    theme = gr.themes.Default(font=["Noto Sans", "Noto Sans Arabic", "DejaVu Sans", "sans-serif"],
                              font_mono=["DejaVu Sans Mono", "monospace"])
    demo.queue(default_concurrency_limit=4).launch(
        server_name=settings.host, server_port=settings.port, share=False, auth=settings.auth,
        theme=theme, css=CSS, footer_links=[], show_error=False, quiet=False)


if __name__ == "__main__":
    main()

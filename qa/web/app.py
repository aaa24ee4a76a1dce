"""The web chat: ask, read the evidence, add and remove documents.

Wires Gradio to the library: each handler parses its input, makes one call
into `qa` (`api.answer`, `api.build_index`, `library`) and renders with
`chatformat`. Local by default (127.0.0.1:7860, QA_HOST/QA_PORT), optional
login (QA_AUTH), no share links, no analytics, no web fonts: the page makes
no request outside this machine. No retrieval logic lives here.
"""
from __future__ import annotations

from ..config import apply_offline_env

apply_offline_env()  # before gradio is imported: analytics off, hub offline

import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

import gradio as gr  # noqa: E402

from .. import api  # noqa: E402
from ..config import Settings, check_serving, load_settings  # noqa: E402
from ..errors import IndexNotFound, QAError  # noqa: E402
from ..ingest.fetch import fetch  # noqa: E402
from ..store.watching import SeedsWatcher  # noqa: E402
from . import library  # noqa: E402
from .chatformat import (answer_messages, change_summary, document_rows, error_message, para,  # noqa: E402
                         searching_message, status_line, user_message)

EXAMPLES = [
    "What did Turkey call for in Syria?",
    "من اقترح عملية برية؟",
    "What did Russia ask the Security Council to do?",
    "متى دعت تركيا إلى تدخل عسكري بري في سوريا؟",
]
# Answering spends most of its time in torch, numpy and FAISS, which release
# the GIL: a few questions at once finish sooner than one at a time (docs/reliability.md).
CHAT_CONCURRENCY = 4
DRAFT_INTERVAL = 0.15  # seconds between updates of a streaming draft
UPDATING = "Updating the index… until it is ready, answers come from the previous one."
UPLOAD_TYPES = sorted(library.UPLOAD_SUFFIXES)
FONTS = ["Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", "sans-serif"]

CSS = """
#qa-chat p, #qa-chat blockquote, #qa-input textarea, .qa-log p {
  unicode-bidi: plaintext; text-align: start;
}
#qa-chat .qa-quote {
  border: 0; border-inline-start: 4px solid #c98b00; padding-inline-start: .6em; margin: 0 0 .4em 0;
}
#qa-docs * { font-family: var(--font); }
#qa-chat .qa-cited mark {
  background: #ffe58a; color: inherit; font-size: inherit; line-height: inherit; padding: 0 .1em; border-radius: 2px;
}
.qa-meta { font-size: .85em; opacity: .75; margin-bottom: .2em; }
#qa-chat .qa-text { font-size: .95rem; line-height: 1.7; color: var(--body-text-color); }
.qa-passage { margin-bottom: .8em; }
.qa-status { font-size: .9em; opacity: .8; margin: 0; }
.qa-error { color: #b42318; }
#qa-chat .qa-label { font-size: .8rem; font-weight: 600; margin: 0 0 .3em 0; letter-spacing: .02em; }
#qa-chat .qa-sure { color: #067647; }
#qa-chat .qa-unsure { color: #b54708; }
#qa-chat .qa-none { color: #667085; }
.qa-updating { color: #b54708; }
#qa-chat .qa-generated { margin: 0 0 .5em 0; }
#qa-chat .qa-llm-meta { font-size: .8rem; opacity: .75; margin: 0 0 .3em 0; }
#qa-chat .qa-draft { opacity: .6; font-style: italic; }
#qa-chat .qa-translation { margin: 0 0 .4em 0; }
#qa-chat .qa-llm-note { font-size: .85em; color: #b54708; }
#qa-chat .qa-glosses { font-size: .85em; line-height: 1.8; margin: 0 0 .4em 0; opacity: .9; }
#qa-chat .qa-gloss { white-space: nowrap; }
#qa-chat .qa-spelled i { opacity: .7; }
"""
# Gradio's textbox has no dir attribute; "auto" lets the browser pick per typed text.
JS = """() => { document.querySelectorAll('#qa-input textarea').forEach(t => t.setAttribute('dir', 'auto')); }"""


def chat_turn(message: str, history: list[dict], k: int, settings: Settings) -> Iterator[list[dict]]:
    """The assistant's messages as they become known: "searching…", then answer and sources."""
    yield [searching_message(message)]
    shown = 0.0
    try:
        # The quoted answer first; with a local model (QA_LLM_URL) its draft, then its checked answer.
        for ans in api.answer_stream(message, history=history, index_dir=settings.index_dir, model=settings.model,
                                     k=k):
            draft = ans.generated is not None and not ans.generated.final
            if draft and time.monotonic() - shown < DRAFT_INTERVAL:
                continue  # each update resends the whole answer with its sources: a few per second are enough
            shown = time.monotonic()
            yield answer_messages(ans)
    except QAError as exc:
        yield [error_message(str(exc))]


def rebuild(settings: Settings, progress: Callable[[float, str], None]) -> str:
    """Update the index from seeds/ and swap the new generation into the shared retriever."""
    progress(0.0, "updating the index…")
    # The panel may remove the last document: an empty index then answers "not found".
    report = api.build_index(seeds_dir=settings.seeds_dir, index_dir=settings.index_dir, model=settings.model,
                             progress=progress, allow_empty=True)
    skipped = "".join(f" Skipped {s.source}: {s.reason}." for s in report.skipped)
    skipped += "".join(f" Indexed {w.source} with {w.reason}." for w in report.warnings)
    return (f"Index updated in {report.seconds:.1f} s: {report.added} added, {report.removed} removed, "
            f"{report.chunks} chunks.{skipped}")


def build_ui(settings: Settings) -> gr.Blocks:
    def panel(log: str = "") -> tuple:
        status, rows, choices = panel_state(settings)
        return status, rows, gr.update(choices=choices, value=None), log

    def start(message: str, shown: list[dict], raw: list[dict]):
        message = (message or "").strip()
        if not message:
            return gr.update(), shown, raw, ""
        return "", shown + [user_message(message)], raw, message

    def respond(message: str, shown: list[dict], raw: list[dict], k: float):
        if not message:
            yield shown, raw
            return
        for assistant in chat_turn(message, raw, int(k), settings):
            yield shown + assistant, raw
        # Follow-ups read the user's own words, so the raw turn is kept apart from the escaped display.
        yield shown + assistant, raw + [{"role": "user", "content": message}, assistant[0]]

    def chat(message: str, history: list[dict] | None = None, k: int | None = None) -> list[dict]:
        """Answer `message` after `history` (messages format); returns the assistant messages."""
        if not isinstance(message, str) or not isinstance(history, (list, type(None))):
            return [error_message("message must be text and history a list of messages")]
        *_, final = chat_turn(message, list(history or []), settings.k if k is None else k, settings)
        return final

    def updated_index(progress: gr.Progress) -> str:
        try:
            return rebuild(settings, lambda fraction, message: progress(fraction, desc=message))
        except QAError as exc:
            return f"The index was not updated: {exc}"

    def add(uploads: list[library.Upload], progress: gr.Progress) -> tuple:
        """Save the uploads, then update the index; an update that fails takes them back."""
        try:
            report = library.save_uploads(settings.seeds_dir, uploads, library.known_contents(settings.index_dir))
        except QAError as exc:
            return *panel(para(str(exc), "qa-error")), None
        if not report.saved:
            return *panel(change_summary(rejected=report.rejected)), None
        try:
            note = rebuild(settings, lambda fraction, message: progress(fraction, desc=message))
        except QAError as exc:
            # Kept only if indexed: seeds/ and the index stay in step, and the previous index still answers.
            library.discard(settings.seeds_dir, report.saved)
            failed = f"Nothing was added: the index could not be updated ({exc})."
            return *panel(change_summary(rejected=report.rejected, note=failed)), None
        return *panel(change_summary(report.saved, report.rejected, note=note)), None

    def updating(log: str) -> tuple:
        """The panel while an update runs: the status line (seen from the chat too) says what answers."""
        return para(UPDATING, "qa-status qa-updating"), gr.update(), gr.update(), para(log)

    def add_documents(paths: list[str] | None, progress=gr.Progress()):
        if not paths:
            yield *panel(para("Choose files first.")), None
            return
        try:
            uploads = [library.read_upload(p) for p in paths]
        except QAError as exc:
            yield *panel(para(str(exc), "qa-error")), None
            return
        yield *updating(f"Reading {len(uploads)} file{'s' if len(uploads) > 1 else ''} and updating the index…"), \
            gr.update()
        yield add(uploads, progress)

    def add_url(url: str, progress=gr.Progress()):
        yield *updating(f"Fetching {url}…"), gr.update()
        try:
            page = fetch(url, allow_local=settings.fetch_local)
        except QAError as exc:
            yield *panel(para(str(exc), "qa-error")), gr.update()
            return
        *outputs, _ = add([library.Upload(page.name, page.data)], progress)
        yield *outputs, ""

    def removal_problem(source: str | None) -> str:
        """Why `source` cannot be removed now, or "" when it can."""
        try:
            indexed = {d.source for d in library.indexed_documents(settings.index_dir)}
        except QAError as exc:
            return str(exc)
        if not source:
            return "Pick a document to remove first."
        if source not in indexed:
            return f"{source} is not an indexed document."
        return ""

    def confirm(source: str | None):
        problem = removal_problem(source)
        if problem:
            return gr.update(visible=False), para(problem, "qa-error")
        feed = source.split("#", 1)[0] if "#" in source else ""
        what = f"the feed {feed} (all its items)" if feed else source
        return gr.update(visible=True), para(f"Remove {what} from {settings.seeds_dir}/ and from the index?")

    def remove(source: str | None, progress=gr.Progress()):
        problem = removal_problem(source)
        if problem:
            yield gr.update(visible=False), *panel(para(problem, "qa-error"))
            return
        try:
            removed = library.remove_document(settings.seeds_dir, source)
        except QAError as exc:
            yield gr.update(visible=False), *panel(para(str(exc), "qa-error"))
            return
        yield gr.update(visible=False), *updating(f"Updating the index without {removed}…")
        yield gr.update(visible=False), *panel(change_summary(removed=removed, note=updated_index(progress)))

    first_status, first_rows, _ = panel_state(settings)
    with gr.Blocks(title="qa — ask your news documents") as demo:
        gr.HTML("<h1 style='margin:0'>qa — ask your news documents</h1>")
        status = gr.HTML(first_status, elem_id="qa-status")
        raw = gr.State([])
        pending = gr.State("")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chatbot = gr.Chatbot(elem_id="qa-chat", height="68vh", min_height=420, show_label=False, sanitize_html=True,
                                     latex_delimiters=[], buttons=["copy", "copy_all"],
                                     placeholder="Ask in English, Arabic or another language; "
                                                 "answers quote your documents.")
                textbox = gr.Textbox(elem_id="qa-input", show_label=False, lines=1, max_lines=6, autofocus=True,
                                     placeholder="Ask a question… / اطرح سؤالاً…", submit_btn=True)
                examples = gr.Dataset(components=[textbox], samples=[[q] for q in EXAMPLES], label="Examples",
                                      elem_id="qa-examples")
                with gr.Row():
                    k = gr.Slider(1, 20, value=settings.k, step=1, label="Passages shown", elem_id="qa-k")
                    new = gr.Button("New conversation", size="sm")
            with gr.Tab("Documents", id="documents"):
                table = gr.Dataframe(headers=["Document", "Title", "Format", "Published", "Chunks", "Added"],
                                     elem_id="qa-docs",
                                     value=first_rows,
                                     interactive=False, wrap=True)
                files = gr.File(label=f"Add documents: {library.SUPPORTED_LIST} (up to 20 files)",
                                elem_id="qa-upload", file_count="multiple", file_types=UPLOAD_TYPES, height=150)
                add_button = gr.Button("Add and update the index", variant="primary", elem_id="qa-add")
                with gr.Row():
                    url = gr.Textbox(label="Add a page by URL (fetched with this machine's network)", elem_id="qa-url",
                                     placeholder="https://…", scale=4)
                    fetch_button = gr.Button("Fetch and add", elem_id="qa-url-add", scale=1)
                with gr.Row():
                    pick = gr.Dropdown(label="Remove a document", choices=[], elem_id="qa-pick")
                    ask_remove = gr.Button("Remove…", variant="stop", elem_id="qa-remove")
                log = gr.HTML(elem_id="qa-log", elem_classes=["qa-log"])
                with gr.Row(visible=False) as confirm_row:
                    yes = gr.Button("Yes, remove it", variant="stop", elem_id="qa-remove-yes")
                    no = gr.Button("Cancel", elem_id="qa-remove-no")

        chat_kwargs = dict(concurrency_id="chat", concurrency_limit=CHAT_CONCURRENCY, api_visibility="private")
        textbox.submit(start, [textbox, chatbot, raw], [textbox, chatbot, raw, pending], queue=False,
                       api_visibility="private").then(respond, [pending, chatbot, raw, k], [chatbot, raw], **chat_kwargs)
        examples.click(lambda sample, shown, hist: start(sample[0], shown, hist), [examples, chatbot, raw],
                       [textbox, chatbot, raw, pending], queue=False, api_visibility="private").then(
            respond, [pending, chatbot, raw, k], [chatbot, raw], **chat_kwargs)
        new.click(lambda: ([], []), None, [chatbot, raw], queue=False, api_visibility="private")
        # The chat's own clear icon forgets too: follow-ups read exactly what the page shows.
        chatbot.clear(lambda: [], None, raw, queue=False, api_visibility="private")
        gr.api(chat, api_name="chat", concurrency_id="chat", concurrency_limit=CHAT_CONCURRENCY)

        panel_out = [status, table, pick, log]
        # One progress indicator, on the log where the user acted (not one per output component).
        build_kwargs = dict(concurrency_id="build", concurrency_limit=1, api_visibility="private",
                            show_progress_on=[log])
        add_button.click(add_documents, files, [*panel_out, files], **build_kwargs)
        fetch_button.click(add_url, url, [*panel_out, url], **build_kwargs)
        url.submit(add_url, url, [*panel_out, url], **build_kwargs)
        ask_remove.click(confirm, pick, [confirm_row, log], queue=False, api_visibility="private")
        no.click(lambda: (gr.update(visible=False), ""), None, [confirm_row, log], queue=False,
                 api_visibility="private")
        yes.click(remove, pick, [confirm_row, *panel_out], **build_kwargs)
        demo.load(panel, None, panel_out, queue=False, api_visibility="private")
    return demo


def panel_state(settings: Settings) -> tuple[str, list[list], list[str]]:
    """Status line, documents table and removal choices as the index is now; an unusable index says why."""
    try:
        docs = library.indexed_documents(settings.index_dir)
        return status_line(library.status(settings.index_dir)), document_rows(docs), [d.source for d in docs]
    except QAError as exc:
        return para(str(exc), "qa-status"), [], []


def _warm_up(settings: Settings) -> None:
    try:
        api.retriever_for(settings).search("warm up", k=1)
    except IndexNotFound:
        print(f"no index in {settings.index_dir} yet: add documents in the Documents tab")
    except QAError as exc:
        print(f"qa: {exc}")  # the chat shows the same message on the first question


def _say(message: str) -> None:
    print(f"qa: {message}", flush=True)


def _rebuild_after_change(settings: Settings) -> None:
    report = api.build_index(seeds_dir=settings.seeds_dir, index_dir=settings.index_dir, model=settings.model,
                             allow_empty=True)
    if report.added or report.updated or report.removed:
        _say(f"seeds/ changed: {report.added} added, {report.updated} updated, {report.removed} removed, "
             f"{report.chunks} chunks")
    for skip in report.skipped:
        _say(f"skipped {skip.source}: {skip.reason}")


def main(host: str | None = None, port: int | None = None) -> None:
    settings = load_settings().with_overrides(host=host, port=port)
    check_serving(settings)
    # Model and index load while Gradio starts (they take about as long); a
    # question asked before they are ready waits for them inside the library.
    threading.Thread(target=_warm_up, args=(settings,), daemon=True, name="qa-warm-up").start()
    if settings.watch:
        SeedsWatcher(settings.seeds_dir, lambda: _rebuild_after_change(settings), on_error=_say).start()
    theme = gr.themes.Default(font=FONTS, font_mono=["DejaVu Sans Mono", "monospace"])
    build_ui(settings).queue(default_concurrency_limit=CHAT_CONCURRENCY).launch(
        server_name=settings.host, server_port=settings.port, share=False, auth=settings.auth,
        max_file_size=library.MAX_UPLOAD_BYTES, theme=theme, css=CSS, js=JS, footer_links=[],
        show_error=False, quiet=False)


if __name__ == "__main__":
    main()

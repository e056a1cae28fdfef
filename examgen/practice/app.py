"""The practice web app: Flask views over the bank, the grader and the store.

Pages are rendered by examgen's own sandboxed, autoescaping Jinja2 environment from
``templates/practice/`` (which imports the exam partials of ``templates/_macros.html.j2``), so
problems and solutions look like the PDFs and every student text is escaped. A problem's
address is its template id and variant seed (``/p/<id>/<seed>``), so any problem can be shown
again exactly. Bad input of any kind gets a page with a clear message and a 4xx status.
"""

from __future__ import annotations

import logging
import math
import threading
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, redirect, request, session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from examgen.bank import Bank, bank_glossary, load_bank
from examgen.errors import ExamgenError
from examgen.grading import MAX_ANSWER_LENGTH, warm_morphology
from examgen.io import normalize_id
from examgen.model import Template, Variant
from examgen.practice import drill
from examgen.practice.explain import explain, points_label
from examgen.practice.prefetch import Prefetcher
from examgen.practice.security import PracticeRoster, load_secret_key, new_token, same_token
from examgen.practice.store import AnswerRecord, AttemptFacts, Store
from examgen.practice.throttle import PinThrottle
from examgen.practice.ui import (
    LANGS,
    OUTCOMES,
    UI,
    message,
    placeholder,
    short_title,
    topic_titles,
)
from examgen.render import TEMPLATES_DIR, environment
from examgen.rng import SEED_BITS
from examgen.variants import variant_for_seed

__all__ = ["MAX_FORM_BYTES", "MAX_NICKNAME", "create_app"]

MAX_FORM_BYTES = 64 * 1024
MAX_NICKNAME = 40
MAX_SHEET = 20
VARIANT_CACHE = 4096
GRADE_CACHE = 1024     # a submission is graded for its POST and again for the result page

log = logging.getLogger("examgen.practice")


class BadInput(Exception):
    """Student input the app cannot use: shown as a page with ``message`` and ``status``."""

    def __init__(self, key: str, status: int = 400, **details: object):
        super().__init__(key)
        self.key, self.status, self.details = key, status, details


def check_nickname(text: str) -> str:
    name = unicodedata.normalize("NFC", text).strip()
    if not name:
        raise BadInput("nickname_empty")
    if len(name) > MAX_NICKNAME:
        raise BadInput("nickname_long", got=len(name), limit=MAX_NICKNAME)
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in name):
        raise BadInput("nickname_control")
    return normalize_id(name)   # "２０２６" and "2026" are one student, as in a roster


def _choice(field: str, got: str, allowed: tuple[str, ...]) -> str:
    if got not in allowed:
        raise BadInput("bad_choice", field=field, got=got[:40], allowed=", ".join(allowed))
    return got


def _int_arg(field: str, text: str, lo: int, hi: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = lo - 1
    if not lo <= value <= hi:
        raise BadInput("bad_number", field=field, got=text[:40], lo=lo, hi=hi)
    return value


class Practice:
    """The app's state: bank, store, templates, caches. One per app."""

    def __init__(self, bank: Bank, store: Store, templates_dir: str, prefetch: bool,
                 roster: PracticeRoster | None = None):
        self.bank, self.store, self.roster = bank, store, roster
        self.throttle = PinThrottle()   # PIN guesses per id and client (in memory)
        self.glossary = bank_glossary(bank.root)   # short answers read as this bank reads them
        self.env = environment(templates_dir)
        self.templates_dir = templates_dir
        self.variant: Callable[[str, int], Variant] = lru_cache(maxsize=VARIANT_CACHE)(self._variant)
        self._graded: Callable[[str, int, tuple[tuple[str, str], ...]], drill.Result] = \
            lru_cache(maxsize=GRADE_CACHE)(self._grade)
        self.topic_titles = topic_titles(bank.root)
        self.prefetcher = Prefetcher(bank.root) if prefetch else None
        self._sheet_lock = threading.Lock()
        self._renderer: Any = None

    def _variant(self, template_id: str, seed: int) -> Variant:
        return variant_for_seed(self.bank.get(template_id), seed)

    def _grade(self, template_id: str, seed: int,
               answers: tuple[tuple[str, str], ...]) -> drill.Result:
        return drill.grade_variant(self.variant(template_id, seed), dict(answers), self.glossary)

    def grade(self, template_id: str, seed: int, answers: Mapping[str, str]) -> drill.Result:
        """The graded answers (by column) to problem (template_id, seed); cached, so the result
        page after the POST does not grade again."""
        return self._graded(template_id, seed, tuple(sorted(answers.items())))

    def topic_name(self, topic: str, lang: str) -> str:
        title = self.topic_titles.get(topic)
        return title.get(lang) if title is not None else topic

    def title(self, template_id: str, seed: int, lang: str) -> str:
        """A problem's first sentence in ``lang`` (its history and weak-spot lists show it)."""
        return short_title(self.variant(template_id, seed).prompt.get(lang))

    def problem(self, template_id: str, seed: int) -> Variant:
        if template_id not in self.bank:
            raise BadInput("no_question", 404, id=template_id[:80])
        if not 0 <= seed < 2 ** SEED_BITS:
            raise BadInput("bad_seed", 404, limit=2 ** SEED_BITS)
        return self.variant(template_id, seed)

    def chosen_templates(self) -> tuple[Template, ...]:
        """The templates the session's topic and difficulty choices allow."""
        return drill.eligible(self.bank, session.get("topics", []),
                              session.get("difficulty", drill.MIXED))

    def draw_next(self, student: str, draw_no: int, last: str | None,
                  templates: tuple[Template, ...]) -> drill.Draw:
        """What "next" draws from ``templates`` (:meth:`chosen_templates`, not empty) as
        ``student``'s ``draw_no``-th draw after practising ``last``, with the session's mode and
        the student's record as they are now. /next draws with it, and the prefetcher guesses
        with it, so a guess made when nothing changes before "next" is that draw."""
        mode = session.get("mode", "normal")
        stats = self.store.template_stats(student) if mode == "weak" else ()
        return drill.draw_problem(templates, stats, mode, student, draw_no, last=last)

    def last_practised(self, student: str) -> str | None:
        """The template of ``student``'s latest attempt ("next" skips it when it can)."""
        recent = self.store.recent(student, 1)
        return recent[0].template_id if recent else None

    def warm_next(self, student: str, last: str | None) -> None:
        """Typeset the problem "next" would draw now if the student practised ``last`` last."""
        if self.prefetcher is None:
            return
        templates = self.chosen_templates()
        if templates:
            d = self.draw_next(student, self.store.draws(student) + 1, last, templates)
            self.prefetcher.warm(d.template_id, d.seed, current_lang())

    def warm_ahead(self, student: str, template_id: str, seed: int) -> None:
        """While the student reads problem (template_id, seed): typeset its solution and the
        problem "next" will most likely draw once they answer it (the same draw, if the choices
        stay as they are; in weak-spots mode the answer may change it: the submit guesses
        again)."""
        if self.prefetcher is None:
            return
        self.prefetcher.warm(template_id, seed, current_lang())
        self.warm_next(student, last=template_id)

    def warm_up(self) -> None:
        """Pay the first-request costs before serving: compile the page templates and grade one
        answer of every kind once (the short-answer scorer loads scikit-learn on first use)."""
        for name in ("login", "choose", "problem", "progress", "sheet", "error"):
            self.env.get_template(f"practice/{name}.html.j2")
        kinds: dict[str, Template] = {}
        for t in self.bank.templates:
            kinds.setdefault(t.type.value, t)
        for t in kinds.values():
            v = self.variant(t.id, 0)
            drill.grade_variant(v, {c: "0.5" for c in drill.columns(v)}, self.glossary)

    def render(self, name: str, status: int = 200, **ctx: Any) -> Response:
        lang = current_lang()
        html = self.env.get_template(f"practice/{name}.html.j2").render(
            lang=lang, langs=[lang], ui=UI[lang], outcomes=OUTCOMES[lang],
            student=_student(), path=request.path, csrf=csrf_token(),
            needs_pin=self.roster is not None,
            npts=lambda x: points_label(x, lang),
            topic_name=lambda t: self.topic_name(t, lang), **ctx)
        return Response(html, status, mimetype="text/html")

    def problem_page(self, variant: Variant, seed: int, answers: Mapping[str, str],
                     result: drill.Result | None = None, status: int = 200,
                     again: bool = False) -> Response:
        """A problem: its form (``result`` None), the form again with the format errors marked
        (a result with one), or the graded result with key and solution."""
        lang = current_lang()
        retry = result is not None and result.format_error
        eligible = self.chosen_templates()
        page = self.render(
            "problem", status, v=variant, seed=seed, columns=drill.columns(variant),
            answers=answers, result=result, retry=retry, again=again,
            notes=[explain(r, lang) for r in result.parts] if result else [],
            placeholders=[placeholder(p, lang) for p in variant.parts],
            varies=drill.has_variants(self.bank.get(variant.template_id)),
            only_one=len(eligible) == 1 and eligible[0].id == variant.template_id,
            mode=session.get("mode", "normal"))
        page.headers["Cache-Control"] = "no-store"   # back/forward asks again: never a stale form
        return page

    def sheet_pdf(self, variants: list[tuple[str, int, Variant]], student: str, lang: str) -> bytes:
        from examgen.practice.sheet import render_sheet

        with self._sheet_lock:  # one Typst job at a time; the renderer is made on first use
            if self._renderer is None:
                from examgen.render import CopyRenderer

                self._renderer = CopyRenderer(self.templates_dir)
            return render_sheet(self._renderer, variants, student, lang)


def current_lang() -> str:
    lang = session.get("lang", "ko")
    return lang if lang in LANGS else "ko"


def _student() -> str | None:
    """The signed-in student: the session's name, while its sign-in is still open in the
    database (sign-out closes it, so a copied cookie stops working)."""
    name = session.get("student")
    if not isinstance(name, str) or not name:
        return None
    pr: Practice = current_app.extensions["examgen.practice"]
    return name if pr.store.session_student(session.get("sid")) == name else None


def csrf_token() -> str:
    """The session's CSRF token, which every state-changing form sends back (made on first use)."""
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = session["csrf"] = new_token()
    return token


def _fresh_session(lang: str) -> None:
    """A new session (sign-in and sign-out): nothing of the old one, a new CSRF token."""
    session.clear()
    session["lang"] = lang
    session["csrf"] = new_token()


View = Callable[..., Response | BaseResponse]


def _signed_in(view: View) -> View:
    """A route for a signed-in student: the view gets the student's name first; anyone else
    is sent to the sign-in page."""
    @wraps(view)
    def guarded(**url_values: Any) -> Response | BaseResponse:
        student = _student()
        if not student:
            return redirect("/")
        return view(student, **url_values)

    return guarded


def create_app(db_path: Path | str, bank: Bank | None = None, *,
               templates_dir: str = str(TEMPLATES_DIR), prefetch: bool = False,
               roster: PracticeRoster | None = None) -> Flask:
    """The practice app over the database at ``db_path`` (created when missing) and ``bank``
    (default: the bundled bank). Importable and testable without a server. ``prefetch``
    typesets formulas in a background thread ahead of the students (the server turns it on;
    it starts with the fixed formulas of every template). With ``roster`` only its students
    may sign in, each with their PIN."""
    store = Store(db_path)
    secret = load_secret_key(Path(db_path))
    pr = Practice(bank if bank is not None else load_bank(), store, templates_dir, prefetch,
                  roster)
    if pr.prefetcher is not None:
        pr.prefetcher.warm_idle([(t.id, 0, "ko") for t in pr.bank.templates])
        # the Korean analyser takes seconds to load: at start-up, not in a student's request
        warm_morphology()
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(SECRET_KEY=secret, MAX_CONTENT_LENGTH=MAX_FORM_BYTES,
                      MAX_FORM_MEMORY_SIZE=MAX_FORM_BYTES, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax")
    app.extensions["examgen.practice"] = pr
    _routes(app, pr)
    _errors(app, pr)
    return app


def _routes(app: Flask, pr: Practice) -> None:  # noqa: C901 - the route table reads best in one place
    @app.before_request
    def pick_language() -> None:
        lang = request.args.get("lang")
        if lang in LANGS and session.get("lang") != lang:
            session["lang"] = lang

    @app.before_request
    def check_csrf() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS") or request.routing_exception is not None:
            return   # reads change nothing; no such route or method: its 404/405 comes next
        sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token")
        if not same_token(sent, session.get("csrf")):
            raise BadInput("csrf", 400)

    @app.get("/health")
    def health() -> Response:
        return Response("ok\n", mimetype="text/plain")

    @app.get("/")
    def index() -> Response | BaseResponse:
        if _student():
            return redirect("/choose")
        return pr.render("login")

    @app.post("/login")
    def login() -> BaseResponse:
        name = check_nickname(request.form.get("nickname", ""))
        if pr.roster is not None:
            _check_pin(name, request.form.get("pin", ""))
        pr.store.close_session(session.get("sid"))
        _fresh_session(current_lang())   # a new session: an old (planted) one is not reused
        session["sid"] = pr.store.open_session(name)
        session["student"] = name
        return redirect("/choose", 303)

    def _check_pin(name: str, pin: str) -> None:
        """The roster's PIN for ``name``, with guesses rate-limited per id and per client
        (:mod:`examgen.practice.throttle`)."""
        keys = [("id", name), ("client", request.remote_addr or "")]
        wait = pr.throttle.wait(keys)
        if wait > 0:
            raise BadInput("pin_wait", 429, seconds=math.ceil(wait))
        if not pr.roster.check(name, pin):   # type: ignore[union-attr]
            pr.throttle.failed(keys)
            raise BadInput("bad_pin", 403)
        pr.throttle.succeeded(("id", name))

    @app.post("/logout")
    def logout() -> BaseResponse:
        pr.store.close_session(session.get("sid"))
        _fresh_session(current_lang())
        return redirect("/", 303)

    @app.route("/choose", methods=["GET", "POST"])
    @_signed_in
    def choose(student: str) -> Response | BaseResponse:
        if request.method == "POST":
            topics = request.form.getlist("topic")
            for t in topics:
                _choice("topic", t, pr.bank.topics)
            session["topics"] = sorted(set(topics))
            session["difficulty"] = _choice("difficulty", request.form.get("difficulty", "mixed"),
                                            drill.DIFFICULTIES)
            session["mode"] = _choice("mode", request.form.get("mode", "normal"), drill.MODES)
            pr.warm_next(student, last=pr.last_practised(student))   # the first problem
            return redirect("/next", 303)
        return pr.render("choose", topics=pr.bank.topics, difficulties=drill.DIFFICULTIES,
                         modes=drill.MODES, chosen=set(session.get("topics", [])),
                         difficulty=session.get("difficulty", "mixed"),
                         mode=session.get("mode", "normal"))

    @app.get("/next")
    @_signed_in
    def next_problem(student: str) -> Response | BaseResponse:
        if "mode" in request.args:   # "practise weak spots" and every "next" link say the mode
            session["mode"] = _choice("mode", request.args["mode"], drill.MODES)
        templates = pr.chosen_templates()
        if not templates:   # refused before the draw counter moves
            raise BadInput("no_templates", 409)
        last = pr.last_practised(student)
        d = pr.draw_next(student, pr.store.next_draw(student), last, templates)
        return redirect(f"/p/{d.template_id}/{d.seed}")

    @app.get("/like/<template_id>")
    @_signed_in
    def another_like(student: str, template_id: str) -> BaseResponse:
        pr.problem(template_id, 0)  # the template must exist
        d = drill.same_template(template_id, student, pr.store.next_draw(student))
        return redirect(f"/p/{d.template_id}/{d.seed}")

    @app.get("/p/<template_id>/<int:seed>")
    @_signed_in
    def problem(student: str, template_id: str, seed: int) -> Response | BaseResponse:
        variant = pr.problem(template_id, seed)
        if pr.store.first_attempt(student, template_id, seed) is not None:
            return redirect(_result_url(template_id, seed))   # answered: its key was shown
        page = pr.problem_page(variant, seed, {})
        pr.warm_ahead(student, template_id, seed)
        return page

    @app.post("/p/<template_id>/<int:seed>")
    @_signed_in
    def submit(student: str, template_id: str, seed: int) -> Response | BaseResponse:
        """Grade a submission. An answer that cannot be read comes back to be fixed (nothing is
        recorded, nothing of the key is shown); otherwise the attempt is recorded once per
        problem and the browser is sent to its result page (Post/Redirect/Get)."""
        variant = pr.problem(template_id, seed)
        answers = _answers(drill.columns(variant))
        result = pr.grade(template_id, seed, answers)
        if result.format_error:
            page = pr.problem_page(variant, seed, answers, result, status=422)
            pr.warm_next(student, last=pr.last_practised(student))   # in case they move on
            return page
        _, new = pr.store.record_once(
            AttemptFacts(student, template_id, variant.topic, variant.difficulty.value, seed,
                         result.points, result.max_points, result.outcome),
            [drill_record(r) for r in result.parts])
        pr.warm_next(student, last=template_id)   # weak spots: this answer may change the draw
        return redirect(_result_url(template_id, seed, again=not new), 303)

    @app.get("/p/<template_id>/<int:seed>/result")
    @_signed_in
    def result(student: str, template_id: str, seed: int) -> Response | BaseResponse:
        variant = pr.problem(template_id, seed)
        found = pr.store.first_attempt(student, template_id, seed)
        if found is None:
            return redirect(f"/p/{template_id}/{seed}")
        answers = {r.column: r.response for r in found[1]}
        return pr.problem_page(variant, seed, answers, pr.grade(template_id, seed, answers),
                               again=request.args.get("again") == "1")

    @app.get("/progress")
    @_signed_in
    def progress(student: str) -> Response | BaseResponse:
        lang = current_lang()
        return pr.render("progress", p=pr.store.progress(student), when=_when,
                         title=lambda tid, seed: pr.title(tid, seed, lang))

    @app.get("/sheet")
    @_signed_in
    def sheet(student: str) -> Response | BaseResponse:
        return pr.render("sheet", max_n=MAX_SHEET)

    @app.get("/sheet.pdf")
    @_signed_in
    def sheet_pdf(student: str) -> Response | BaseResponse:
        n = _int_arg("n", request.args.get("n", "5"), 1, MAX_SHEET)
        templates = pr.chosen_templates()
        if not templates:
            raise BadInput("no_templates", 409)
        draws = []
        for _ in range(n):
            d = drill.draw_problem(templates, (), "normal", student, pr.store.next_draw(student))
            draws.append((d.template_id, d.seed, pr.variant(d.template_id, d.seed)))
        pdf = pr.sheet_pdf(draws, student, current_lang())
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": "attachment; filename=practice-sheet.pdf"})


def _result_url(template_id: str, seed: int, again: bool = False) -> str:
    return f"/p/{template_id}/{seed}/result" + ("?again=1" if again else "")


def _answers(columns: tuple[str, ...]) -> dict[str, str]:
    """The submitted answer of each column (the values of a multiple choice joined by commas)."""
    answers = {}
    for col in columns:
        values = [x.strip() for x in request.form.getlist(f"ans-{col}")]
        text = ",".join(x for x in values if x)
        if len(text) > MAX_ANSWER_LENGTH:
            raise BadInput("answer_too_long", 413, column=col, got=len(text),
                           limit=MAX_ANSWER_LENGTH)
        answers[col] = text
    return answers


def _when(created: float) -> str:
    """An attempt's local date and time, as the history table shows it."""
    return datetime.fromtimestamp(created).strftime("%m-%d %H:%M")


def drill_record(r: drill.PartResult) -> AnswerRecord:
    return AnswerRecord(r.column, r.response, r.scored.outcome, r.scored.points,
                        r.scored.misconception)


def _errors(app: Flask, pr: Practice) -> None:
    def page(status: int, text: str) -> Response:
        return pr.render("error", status, message=text, code=status)

    @app.errorhandler(BadInput)
    def bad_input(e: BadInput) -> Response:
        return page(e.status, message(e.key, current_lang(), **e.details))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(e: RequestEntityTooLarge) -> Response:
        return page(413, message("too_large", current_lang(), limit=MAX_FORM_BYTES))

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        status = e.code or 400
        key = {404: "not_found", 405: "method"}.get(status, "bad_request")
        return page(status, message(key, current_lang()))

    @app.errorhandler(ExamgenError)
    def examgen_error(e: ExamgenError) -> Response:
        return page(400, str(e))

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> Response:
        log.exception("practice app: unexpected error on %s %s", request.method, request.path)
        return page(500, message("internal", current_lang()))

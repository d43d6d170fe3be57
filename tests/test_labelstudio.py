"""Against a live Label Studio server (started here on a free loopback port): pull, train, push,
select, serve as an ML backend, and one clear error line for each way of getting it wrong."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import conflict_ie
from conflict_ie.labelstudio.client import Connection
from conflict_ie.labelstudio.label_config import LabelConfig
from conftest import ROOT

TOKEN = "conflict-ie-test-token-5f2a9c"


def label_studio_binary() -> str | None:
    return os.environ.get("LABEL_STUDIO_BIN") or shutil.which("label-studio")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    binary = label_studio_binary()
    if binary is None:
        if os.environ.get("CONFLICT_IE_REQUIRE_LABEL_STUDIO"):
            pytest.fail("Label Studio is required here: set LABEL_STUDIO_BIN or put label-studio on PATH")
        pytest.skip("label-studio is not installed (scripts/test.sh installs it)")
    port = free_port()
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(tmp_path_factory.mktemp("label-studio")),
           "LABEL_STUDIO_USERNAME": "tests@conflict-ie.local", "LABEL_STUDIO_PASSWORD": "not-a-real-password-1",
           "LABEL_STUDIO_USER_TOKEN": TOKEN, "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
           "ML_BLOCK_LOCAL_IP": "false", "USE_DEFAULT_BANNED_SUBNETS": "false",
           "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true", "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": ""}
    log = open(tmp_path_factory.mktemp("ls-log") / "server.log", "w")
    process = subprocess.Popen([binary, "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"label-studio exited with {process.returncode}; see {log.name}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(1)
    else:
        process.kill()
        pytest.fail(f"label-studio did not answer within 180 s; see {log.name}")
    yield Connection(url, TOKEN)
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def client(server):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=server.url, api_key=server.api_key)


EMOJI_TEXT = "Selon l’AFP 🙂, Boko Haram a attaqué Diffa\u00a0: au moins 3\u00a0500 déplacés."


@pytest.fixture(scope="session")
def project(client, corpus):
    """A project with 16 annotated corpus documents, one annotated text with an emoji and a
    non-breaking space, and 6 unlabeled documents."""
    created = client.projects.create(title="conflict-ie tests", label_config=LabelConfig().to_xml())
    annotated = corpus["train"][:16]
    unlabeled = corpus["dev"][:6]
    texts = [EMOJI_TEXT] + [d.text for d in annotated] + [d.text for d in unlabeled]
    ids = client.projects.import_tasks(id=created.id, request=[{"text": t} for t in texts],
                                       return_task_ids=True).task_ids
    spans = [("AFP", "ACTOR"), ("Boko Haram", "ACTOR"), ("Diffa", "LOCATION"), ("au moins 3\u00a0500", "COUNT")]
    emoji_spans = [conflict_ie.Span(EMOJI_TEXT.index(s), EMOJI_TEXT.index(s) + len(s), label, s) for s, label in spans]
    for task_id, doc_spans in zip(ids, [emoji_spans] + [d.spans for d in annotated]):
        client.annotations.create(id=task_id, result=[
            {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]}} for s in doc_spans])
    return {"id": created.id, "annotated": [emoji_spans] + [list(d.spans) for d in annotated], "task_ids": ids,
            "texts": texts, "unlabeled_ids": ids[17:]}


def cli(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "conflict_ie.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=timeout)


def connection_env(server):
    return {"LABEL_STUDIO_URL": server.url, "LABEL_STUDIO_API_KEY": server.api_key}


def test_pull_returns_exact_offsets(server, project, tmp_path):
    out = tmp_path / "export.json"
    done = cli("labelstudio", "pull", "--project", str(project["id"]), "--output", str(out), env=connection_env(server))
    assert done.returncode == 0, done.stderr
    docs = conflict_ie.load_annotations(out)
    assert len(docs) == 17
    by_text = {d.text: d for d in docs}
    assert list(by_text[EMOJI_TEXT].spans) == project["annotated"][0]
    for expected, text in zip(project["annotated"][1:], project["texts"][1:17]):
        assert list(by_text[text].spans) == sorted(expected)
    assert server.api_key not in done.stdout + done.stderr


@pytest.fixture(scope="session")
def pulled_model(server, project, tiny_data, tmp_path_factory):
    """A tiny model trained with `conflict-ie train --labelstudio-project` (pull and train in one go)."""
    from conftest import TINY_CONFIG
    import yaml

    folder = tmp_path_factory.mktemp("ls-train")
    raw = json.loads(json.dumps(TINY_CONFIG))
    raw["model"]["scratch"]["tokenizer_texts"] = [str(tiny_data / "train.json")]
    raw["data"].update(train=str(tiny_data / "train.json"), dev=str(tiny_data / "dev.json"))
    (folder / "config.yaml").write_text(yaml.safe_dump(raw))
    out = folder / "model"
    done = cli("train", "--config", str(folder / "config.yaml"), "--output", str(out), "--labelstudio-project",
               str(project["id"]), env=connection_env(server))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "pulled 17 annotated tasks" in done.stderr
    assert server.api_key not in done.stdout + done.stderr
    for saved in out.iterdir():
        if saved.suffix in (".json", ".yaml", ".md"):
            assert server.api_key not in saved.read_text(encoding="utf-8"), saved.name
    return out


def predictions_of(client, project_id):
    return {t.id: [p for p in (t.model_dump().get("predictions") or [])]
            for t in client.tasks.list(project=project_id, fields="all")}


def test_push_is_idempotent_and_spans_match(server, client, project, pulled_model):
    env = connection_env(server)
    done = cli("labelstudio", "push", "--project", str(project["id"]), "--model", str(pulled_model), env=env)
    assert done.returncode == 0, done.stderr
    from conflict_ie.labelstudio.client import model_version

    version = model_version(pulled_model)
    assert f"model version {version}: 23 predictions created, 0 tasks already had one" in done.stdout
    predictions = predictions_of(client, project["id"])
    texts = dict(zip(project["task_ids"], project["texts"]))
    found = 0
    for task_id, preds in predictions.items():
        assert [p["model_version"] for p in preds] == [version]
        for item in preds[0]["result"]:
            value = item["value"]
            assert texts[task_id][value["start"]:value["end"]] == value["text"]
            assert 0 <= item["score"] <= 1
            found += 1
    assert found > 20
    again = cli("labelstudio", "push", "--project", str(project["id"]), "--model", str(pulled_model), env=env)
    assert again.returncode == 0 and "0 predictions created, 23 tasks already had one" in again.stdout
    assert sum(map(len, predictions_of(client, project["id"]).values())) == 23


def test_select_ranks_unlabeled_tasks(server, project, pulled_model):
    done = cli("labelstudio", "select", "--project", str(project["id"]), "--model", str(pulled_model), "--k", "4",
               env=connection_env(server))
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert len(rows) == 4
    assert {int(r[0]) for r in rows} <= set(project["unlabeled_ids"])
    confidences = [float(r[1]) for r in rows]
    assert confidences == sorted(confidences)


def test_serve_as_ml_backend_through_the_server(server, client, project, pulled_model):
    import httpx
    from werkzeug.serving import make_server

    from conflict_ie.labelstudio.backend import create_app

    extractor = conflict_ie.ConflictExtractor.from_pretrained(pulled_model)
    port = free_port()
    backend = make_server("127.0.0.1", port, create_app(extractor, "served-v1"), threaded=True)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    try:
        ml = client.ml.create(project=project["id"], url=f"http://127.0.0.1:{port}", title="conflict-ie")
        assert ml.id
        task_id = project["unlabeled_ids"][0]
        answer = httpx.post(f"{server.url}/api/dm/actions", params={"id": "retrieve_tasks_predictions",
                                                                    "project": project["id"]},
                            json={"selectedItems": {"all": False, "included": [task_id]}},
                            headers={"Authorization": f"Token {server.api_key}"}, timeout=120)
        assert answer.status_code == 200, answer.text
        preds = predictions_of(client, project["id"])[task_id]
        served = [p for p in preds if p["model_version"] == "served-v1"]
        assert len(served) == 1
        text = dict(zip(project["task_ids"], project["texts"]))[task_id]
        expected = extractor.predict(text)
        assert [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in served[0]["result"]] == \
            [(e.start, e.end, e.label) for e in expected]
    finally:
        backend.shutdown()


def test_connection_errors_are_one_clear_line(server, project, tmp_path):
    out = str(tmp_path / "x.json")
    wrong_url = cli("labelstudio", "pull", "--project", "1", "--output", out,
                    env={"LABEL_STUDIO_URL": f"http://127.0.0.1:{free_port()}", "LABEL_STUDIO_API_KEY": TOKEN})
    wrong_key = cli("labelstudio", "pull", "--project", "1", "--output", out,
                    env={"LABEL_STUDIO_URL": server.url, "LABEL_STUDIO_API_KEY": "wrong-key-123"})
    no_project = cli("labelstudio", "pull", "--project", "999", "--output", out, env=connection_env(server))
    for done, message in ((wrong_url, "cannot reach Label Studio at http://127.0.0.1:"),
                          (wrong_key, "refused the API key (HTTP 401)"),
                          (no_project, f"Label Studio at {server.url} has no project 999 (HTTP 404)")):
        assert done.returncode == 2
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and message in lines[0], done.stderr
        assert TOKEN not in done.stderr and "wrong-key-123" not in done.stderr
    assert not Path(out).exists()


def test_config_command_prints_the_labeling_config():
    done = cli("labelstudio", "config")
    assert done.returncode == 0
    assert LabelConfig.from_xml(done.stdout).labels == conflict_ie.LABELS

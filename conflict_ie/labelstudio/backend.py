"""The model as a Label Studio ML backend: annotators see pre-annotations as they open a task.

Implements the documented protocol (GET /health, POST /setup, POST /predict, POST
/webhook) with Flask. The PyPI release of ``label-studio-ml`` (1.0.9) pins Flask 1.1.2
and Werkzeug 2.0.2, which do not install beside current libraries, so the three
endpoints are written here directly.
"""

from __future__ import annotations

import logging

from .client import prediction_result
from .label_config import LabelConfig

logger = logging.getLogger("conflict_ie")


def create_app(extractor, version: str, batch_size: int = 16):
    """A Flask app serving ``extractor`` under ``version``."""
    try:
        from flask import Flask, jsonify, request
    except ImportError:  # pragma: no cover - flask ships with the [serve] extra
        raise ImportError("the ML backend needs Flask: pip install 'conflict-ie[serve]'") from None

    app = Flask("conflict_ie")

    def config_from(payload: dict) -> LabelConfig:
        xml = payload.get("label_config") or payload.get("schema")
        if xml:
            try:
                return LabelConfig.from_xml(xml)
            except ValueError as err:
                logger.warning("unreadable labeling config from Label Studio (%s); using the default", err)
        return LabelConfig()

    @app.get("/health")
    @app.get("/")
    def health():
        return jsonify({"status": "UP", "model_class": "ConflictExtractor", "model_version": version})

    @app.post("/setup")
    def setup():
        return jsonify({"model_version": version})

    @app.post("/predict")
    def predict():
        payload = request.get_json(force=True, silent=True) or {}
        tasks = payload.get("tasks")
        if not isinstance(tasks, list):
            return jsonify({"error": "the request needs a 'tasks' list"}), 400
        config = config_from(payload)
        texts = []
        for task in tasks:
            text = (task.get("data") or {}).get(config.text_key) if isinstance(task, dict) else None
            if not isinstance(text, str):
                task_id = task.get("id") if isinstance(task, dict) else None
                return jsonify({"error": f"task {task_id} has no text under data key '{config.text_key}'"}), 400
            texts.append(text)
        results = []
        for entities in extractor.predict(texts, batch_size=batch_size):
            score = sum(e.score for e in entities) / len(entities) if entities else 1.0
            results.append({"result": prediction_result(entities, config), "score": score, "model_version": version})
        return jsonify({"results": results, "model_version": version})

    @app.post("/webhook")
    def webhook():
        return jsonify({}), 200

    return app


def serve(extractor, version: str, host: str = "127.0.0.1", port: int = 9090) -> None:
    """Run the backend until interrupted (Werkzeug's threaded server; put a WSGI server in front for heavy use)."""
    app = create_app(extractor, version)
    logger.info("ML backend for model version %s on http://%s:%d", version, host, port)
    app.run(host=host, port=port, threaded=True)

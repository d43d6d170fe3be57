"""Where the forward pass runs: PyTorch, ONNX Runtime (fp32) or ONNX Runtime with int8 weights.

Each backend is a callable ``(input_ids, attention_mask) -> logits`` over int64 tensors, so
the extractor's windowing, batching and decoding are the same whatever runs the model.
ONNX files live in ``<model dir>/onnx/`` and are exported on first use (or by
``conflict-ie export-onnx``); int8 uses onnxruntime's dynamic quantization of the
MatMul weights (``torch.ao.quantization`` is deprecated in torch 2.13).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

logger = logging.getLogger("conflict_ie")

BACKENDS = ("torch", "onnx", "int8")
ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"


class TorchForward:
    def __init__(self, model):
        self.model = model

    def __call__(self, input_ids, attention_mask):
        device = self.model.device
        return self.model(input_ids=input_ids.to(device), attention_mask=attention_mask.to(device)).logits


class OnnxForward:
    def __init__(self, path: Path, threads: int | None = None):
        try:
            import onnxruntime as ort
        except ImportError:
            raise ImportError("the onnx and int8 backends need ONNX Runtime: pip install 'conflict-ie[onnx]'") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, input_ids, attention_mask):
        import torch

        logits = self.session.run(["logits"], {"input_ids": input_ids.numpy(),
                                               "attention_mask": attention_mask.numpy()})[0]
        return torch.from_numpy(logits)


def export_onnx(model, model_dir: str | Path, int8: bool = True) -> Path:
    """Export ``model`` to ``<model_dir>/onnx/`` (fp32 and, with ``int8``, quantized), checked against torch."""
    import numpy as np
    import torch

    target = Path(model_dir) / "onnx"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".onnx.tmp-"))
    try:
        model = model.eval().to("cpu")
        sample = torch.randint(5, min(100, model.config.vocab_size), (2, 16))
        mask = torch.ones_like(sample)
        axes = {0: "batch", 1: "sequence"}
        torch.onnx.export(model, (sample, mask), str(tmp / ONNX_FILE), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                                                 "logits": axes}, opset_version=17, dynamo=True,
                          verbose=False)
        check_ids = torch.randint(5, min(100, model.config.vocab_size), (3, 41))
        check_mask = torch.ones_like(check_ids)
        check_mask[0, 30:] = 0
        with torch.inference_mode():
            expected = model(input_ids=check_ids, attention_mask=check_mask).logits.numpy()
        got = OnnxForward(tmp / ONNX_FILE)(check_ids, check_mask).numpy()
        if not np.allclose(got, expected, atol=1e-3):
            raise RuntimeError(f"ONNX export disagrees with torch (max diff {np.abs(got - expected).max():.2e})")
        if int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(tmp / ONNX_FILE), str(tmp / INT8_FILE), weight_type=QuantType.QInt8)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("exported ONNX models to %s", target)
    return target


def onnx_forward(model, model_dir: str | Path, backend: str) -> OnnxForward:
    """The ONNX Runtime forward for ``backend`` ("onnx" or "int8"), exporting first if needed."""
    folder = Path(model_dir) / "onnx"
    path = folder / (INT8_FILE if backend == "int8" else ONNX_FILE)
    if not path.is_file():
        logger.info("no %s yet: exporting the model to ONNX once", path)
        export_onnx(model, model_dir, int8=True)
    return OnnxForward(path)

"""Writes fraud.onnx, the tiny model of the infer tests: a linear fraud score over three features.

    score = sigmoid(features . w + b)          float[N, 1]
    parts = features * w                        float[N, 3]  (each feature's contribution)

with w = (0.002, -0.05, 0.8) and b = -1.0, so a test can compute the expected score by hand.
Run with the onnx venv of install.sh:  "$(./install.sh)" make_model.py  (from this directory).
The .onnx file is committed; rerunning writes the same bytes.

    make_model.py --bench OUT   writes a larger model for e2e/gpu-check.sh instead (not committed):
                                the same input and outputs, an MLP 3 -> 2048 -> 2048 -> 1 in between,
                                so a call costs enough for a GPU to show.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

W = [0.002, -0.05, 0.8]
B = -1.0


def main() -> None:
    features = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 3])
    score = helper.make_tensor_value_info("score", TensorProto.FLOAT, ["batch", 1])
    parts = helper.make_tensor_value_info("parts", TensorProto.FLOAT, ["batch", 3])
    w_col = helper.make_tensor("w_col", TensorProto.FLOAT, [3, 1], W)
    w_row = helper.make_tensor("w_row", TensorProto.FLOAT, [3], W)
    b = helper.make_tensor("b", TensorProto.FLOAT, [1], [B])
    nodes = [
        helper.make_node("MatMul", ["features", "w_col"], ["dot"]),
        helper.make_node("Add", ["dot", "b"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["score"]),
        helper.make_node("Mul", ["features", "w_row"], ["parts"]),
    ]
    graph = helper.make_graph(
        nodes, "fraud", [features], [score, parts], initializer=[w_col, w_row, b]
    )
    model = helper.make_model(
        graph, producer_name="tributary-tests", opset_imports=[helper.make_opsetid("", 13)]
    )
    model.ir_version = 8  # read by every ONNX Runtime since 1.10
    onnx.checker.check_model(model)
    onnx.save(model, "fraud.onnx")


def bench(out: str) -> None:
    rng = np.random.default_rng(13)
    width = 2048
    w1 = numpy_helper.from_array((rng.standard_normal((3, width)) * 0.1).astype(np.float32), "w1")
    w2 = numpy_helper.from_array(
        (rng.standard_normal((width, width)) * 0.02).astype(np.float32), "w2"
    )
    w3 = numpy_helper.from_array((rng.standard_normal((width, 1)) * 0.02).astype(np.float32), "w3")
    w_row = helper.make_tensor("w_row", TensorProto.FLOAT, [3], W)
    nodes = [
        helper.make_node("MatMul", ["features", "w1"], ["h1"]),
        helper.make_node("Relu", ["h1"], ["a1"]),
        helper.make_node("MatMul", ["a1", "w2"], ["h2"]),
        helper.make_node("Relu", ["h2"], ["a2"]),
        helper.make_node("MatMul", ["a2", "w3"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["score"]),
        helper.make_node("Mul", ["features", "w_row"], ["parts"]),
    ]
    graph = helper.make_graph(
        nodes,
        "fraud-bench",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 3])],
        [
            helper.make_tensor_value_info("score", TensorProto.FLOAT, ["batch", 1]),
            helper.make_tensor_value_info("parts", TensorProto.FLOAT, ["batch", 3]),
        ],
        initializer=[w1, w2, w3, w_row],
    )
    model = helper.make_model(
        graph, producer_name="tributary-gpu-check", opset_imports=[helper.make_opsetid("", 13)]
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bench":
        bench(sys.argv[2])
    else:
        main()

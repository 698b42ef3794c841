"""Trains the remote infer tests' model and lays out an MLServer model repository.

    train.py OUT HTTP_PORT GRPC_PORT METRICS_PORT

writes OUT/settings.json (MLServer on 127.0.0.1 at those ports), OUT/fraud/model.joblib (a
LogisticRegression over three features, trained on a small fixed synthetic set),
OUT/fraud/model-settings.json (mlserver_sklearn, version v1), and OUT/expected.json: the inputs
the test sends and scikit-learn's own predict_proba for them, so the test compares what came back
through the worker with what the model says in Python.
"""

import json
import os
import sys

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression


def main() -> None:
    out, http_port, grpc_port, metrics_port = sys.argv[1], *map(int, sys.argv[2:5])
    rng = np.random.default_rng(13)
    x = rng.uniform(0, 1, size=(200, 3)) * np.array([1000.0, 50.0, 1.0])
    y = (0.002 * x[:, 0] - 0.05 * x[:, 1] + 0.8 * x[:, 2] > 0.2).astype(int)
    model = LogisticRegression(max_iter=1000).fit(x, y)

    os.makedirs(os.path.join(out, "fraud"), exist_ok=True)
    joblib.dump(model, os.path.join(out, "fraud", "model.joblib"))
    with open(os.path.join(out, "fraud", "model-settings.json"), "w") as f:
        json.dump(
            {
                "name": "fraud",
                "implementation": "mlserver_sklearn.SKLearnModel",
                "parameters": {"uri": "./model.joblib", "version": "v1"},
            },
            f,
        )
    with open(os.path.join(out, "settings.json"), "w") as f:
        json.dump(
            {
                "host": "127.0.0.1",
                "http_port": http_port,
                "grpc_port": grpc_port,
                "metrics_port": metrics_port,
                "parallel_workers": 0,
            },
            f,
        )
    inputs = [[float(a), float(b), float(c)] for a, b, c in rng.uniform(0, 1, size=(40, 3)) * [1000.0, 50.0, 1.0]]
    proba = model.predict_proba(np.array(inputs, dtype=np.float64)).tolist()
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"inputs": inputs, "predict_proba": proba}, f)


if __name__ == "__main__":
    main()

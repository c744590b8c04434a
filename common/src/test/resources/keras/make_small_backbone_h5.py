#!/usr/bin/env python3
"""Writes small-backbone-functional.h5 and small-backbone-sequential.h5: Keras 2 model files
(the layout keras.Model.save(..., save_format="h5") writes, TensorFlow backend, channels last)
of the project's small backbone (3->32->64->128->128 3x3 convolutions, 2x2 max pooling after
the first three). Needs only h5py and numpy (Debian: python3-h5py), not Keras.

Every weight follows a formula that BackboneWeightsTest recomputes on its own:
  kernel[layer][kh][kw][in][out] = 0.05 * sin(0.37 * (layer + 1) + 0.011 * flat index)
  bias[layer][out]               = 0.01 * cos(0.5 * (layer + 1) + out)
with the flat index in Keras's [kh, kw, in, out] order (row-major), as float32.
Also weights-only.h5, the layout of model.save_weights(path): weights without the model.
Run from this folder: python3 make_small_backbone_h5.py
"""
import json

import h5py
import numpy as np

CHANNELS = [3, 32, 64, 128, 128]
KERAS_VERSION = b"2.4.0"


def kernel(layer, c_in, c_out):
    index = np.arange(3 * 3 * c_in * c_out, dtype=np.float64)
    values = 0.05 * np.sin(0.37 * (layer + 1) + 0.011 * index)
    return values.reshape(3, 3, c_in, c_out).astype(np.float32)


def bias(layer, c_out):
    return (0.01 * np.cos(0.5 * (layer + 1) + np.arange(c_out, dtype=np.float64))).astype(np.float32)


def conv_config(name, filters, activation):
    return {"name": name, "trainable": True, "dtype": "float32", "filters": filters, "kernel_size": [3, 3],
            "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
            "groups": 1, "activation": activation, "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}


def pool_config(name):
    return {"name": name, "trainable": True, "dtype": "float32", "pool_size": [2, 2], "padding": "valid",
            "strides": [2, 2], "data_format": "channels_last"}


def layers():
    """(class name, config, weights) in order; conv4 is linear like the backbone's last convolution."""
    out = [("InputLayer", {"batch_input_shape": [None, 120, 160, 3], "dtype": "float32", "sparse": False,
                           "ragged": False, "name": "input_1"}, None)]
    for i in range(4):
        name = "conv%d" % (i + 1)
        out.append(("Conv2D", conv_config(name, CHANNELS[i + 1], "relu" if i < 3 else "linear"),
                    (kernel(i, CHANNELS[i], CHANNELS[i + 1]), bias(i, CHANNELS[i + 1]))))
        if i < 3:
            out.append(("MaxPooling2D", pool_config("pool%d" % (i + 1)), None))
    return out


def functional_config():
    entries, previous = [], None
    for class_name, config, _ in layers():
        inbound = [] if previous is None else [[[previous, 0, 0, {}]]]
        entries.append({"class_name": class_name, "config": config, "name": config["name"], "inbound_nodes": inbound})
        previous = config["name"]
    return {"class_name": "Functional",
            "config": {"name": "small_backbone", "layers": entries, "input_layers": [["input_1", 0, 0]],
                       "output_layers": [[previous, 0, 0]]},
            "keras_version": KERAS_VERSION.decode(), "backend": "tensorflow"}


def sequential_config():
    entries = [{"class_name": c, "config": config} for c, config, _ in layers()]
    return {"class_name": "Sequential", "config": {"name": "small_backbone", "layers": entries},
            "keras_version": KERAS_VERSION.decode(), "backend": "tensorflow"}


def write(path, config, with_input_layer_weights):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        weights = f.create_group("model_weights")
        names = [config["name"] for class_name, config, _ in layers()
                 if with_input_layer_weights or class_name != "InputLayer"]
        weights.attrs["layer_names"] = [n.encode("utf8") for n in names]
        weights.attrs["backend"] = b"tensorflow"
        weights.attrs["keras_version"] = KERAS_VERSION
        for class_name, config, w in layers():
            name = config["name"]
            if name not in names:
                continue
            group = weights.create_group(name)
            if w is None:
                group.attrs["weight_names"] = np.array([], dtype="S1")
                continue
            group.attrs["weight_names"] = [("%s/kernel:0" % name).encode(), ("%s/bias:0" % name).encode()]
            inner = group.create_group(name)
            inner.create_dataset("kernel:0", data=w[0])
            inner.create_dataset("bias:0", data=w[1])


if __name__ == "__main__":
    write("small-backbone-functional.h5", functional_config(), True)
    write("small-backbone-sequential.h5", sequential_config(), False)
    with h5py.File("weights-only.h5", "w") as f:
        f.attrs["layer_names"] = [b"conv1"]
        f.attrs["keras_version"] = KERAS_VERSION

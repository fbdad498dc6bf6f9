"""Every tf.contrib.layers / tf.contrib.slim call the TF1 MNIST and CIFAR-10 scripts make, each
built into one graph and run once on random inputs; prints "ok NAME" per call, or "failed NAME:
error" and exits 1 at the end."""

import os
import re
import sys
import tempfile
import traceback

import numpy as np
import tensorflow as tf

slim = tf.contrib.slim
layers = tf.contrib.layers
failed = []
images = tf.placeholder(tf.float32, [None, 28, 28, 1])
labels = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, [])
built = {}


def check(name, build):
    try:
        with tf.variable_scope(re.sub(r"[^A-Za-z0-9_]", "_", name)):
            built[name] = build()
        print("ok", name, "(built)")
    except Exception as err:  # noqa: BLE001 - every call reports its own failure
        traceback.print_exc()
        failed.append(name)
        print(f"failed {name}: {type(err).__name__}: {err}")


flat = layers.flatten(images)
check("layers.fully_connected", lambda: layers.fully_connected(flat, 32))
check(
    "layers.fully_connected(normalizer_fn=batch_norm, is_training tensor)",
    lambda: layers.fully_connected(
        flat, 32, normalizer_fn=layers.batch_norm,
        normalizer_params={"is_training": is_training, "decay": 0.9, "updates_collections": None},
    ),
)  # fmt: skip
check("layers.batch_norm(is_training=True)", lambda: layers.batch_norm(images, is_training=True))
check(
    "layers.batch_norm(is_training tensor)",
    lambda: layers.batch_norm(images, scale=True, is_training=is_training),
)
check(
    "layers.batch_norm(fused=False)",
    lambda: layers.batch_norm(flat, is_training=is_training, fused=False),
)
check(
    "layers.dropout(is_training tensor)", lambda: layers.dropout(flat, 0.5, is_training=is_training)
)
check("layers.conv2d", lambda: layers.conv2d(images, 8, [5, 5]))
check("layers.convolution2d", lambda: layers.convolution2d(images, 8, 3, stride=2, padding="VALID"))
check("layers.conv2d_transpose", lambda: layers.conv2d_transpose(images, 4, [3, 3], stride=2))
check("layers.separable_conv2d", lambda: layers.separable_conv2d(images, 8, [3, 3], 2))
check("layers.max_pool2d", lambda: layers.max_pool2d(images, [2, 2]))
check("layers.avg_pool2d", lambda: layers.avg_pool2d(images, [2, 2], stride=2))
check("layers.layer_norm", lambda: layers.layer_norm(flat))
check("layers.one_hot_encoding", lambda: layers.one_hot_encoding(labels, 10))
check("layers.softmax", lambda: layers.softmax(layers.fully_connected(flat, 10)))
check("layers.bias_add", lambda: layers.bias_add(flat))
check("layers.unit_norm", lambda: layers.unit_norm(flat, 1))
check("layers.repeat", lambda: layers.repeat(images, 2, layers.conv2d, 4, [3, 3]))
check("layers.stack", lambda: layers.stack(flat, layers.fully_connected, [16, 8]))
check("layers.l1_l2 regularizers", lambda: layers.apply_regularization(
    layers.l1_l2_regularizer(1e-4, 1e-4), [v for v in tf.trainable_variables()][:2]))  # fmt: skip
check("layers.l2_regularizer", lambda: layers.l2_regularizer(1e-4)(tf.ones([3])))
check(
    "layers.xavier_initializer",
    lambda: tf.get_variable("w", [4, 4], initializer=layers.xavier_initializer()),
)
check("layers.variance_scaling_initializer", lambda: tf.get_variable(
    "v", [4, 4], initializer=layers.variance_scaling_initializer()))  # fmt: skip
check("layers.summarize_activations", lambda: layers.summarize_activations() or tf.constant(0))

logits = layers.fully_connected(flat, 10, activation_fn=None, scope="logits")
one_hot = slim.one_hot_encoding(labels, 10)
check(
    "slim.losses.softmax_cross_entropy", lambda: slim.losses.softmax_cross_entropy(logits, one_hot)
)
check("tf.losses + slim.losses.get_total_loss", lambda: (
    tf.losses.softmax_cross_entropy(one_hot, logits), slim.losses.get_total_loss())[1])  # fmt: skip
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
global_step = slim.get_or_create_global_step()
check("layers.optimize_loss(learning_rate tensor)", lambda: layers.optimize_loss(
    loss, global_step, tf.train.exponential_decay(0.1, global_step, 100, 0.9), "SGD",
    summaries=["learning_rate", "loss"]))  # fmt: skip
check("layers.optimize_loss(Adam)", lambda: layers.optimize_loss(loss, global_step, 0.001, "Adam"))
check("slim.learning.create_train_op", lambda: slim.learning.create_train_op(
    loss, tf.train.GradientDescentOptimizer(0.1), clip_gradient_norm=5.0))  # fmt: skip
check("slim.learning.multiply_gradients", lambda: slim.learning.multiply_gradients(
    tf.train.GradientDescentOptimizer(0.1).compute_gradients(loss)[-2:],
    {tf.trainable_variables()[-1]: tf.constant(2.0)}))  # fmt: skip
check("slim.learning.clip_gradient_norms", lambda: slim.learning.clip_gradient_norms(
    tf.train.GradientDescentOptimizer(0.1).compute_gradients(loss)[-2:], 1.0))  # fmt: skip
predictions = tf.argmax(logits, 1)
check(
    "slim.metrics.streaming_accuracy", lambda: slim.metrics.streaming_accuracy(predictions, labels)
)
check("slim.metrics.aggregate_metric_map", lambda: slim.metrics.aggregate_metric_map(
    {"accuracy": slim.metrics.streaming_accuracy(predictions, labels)}))  # fmt: skip
check("slim.get_model_variables", lambda: slim.get_model_variables() or tf.constant(0))
check("slim.get_variables_to_restore", lambda: slim.get_variables_to_restore(exclude=["logits"]))
check("slim.model_analyzer.analyze_vars", lambda: slim.model_analyzer.analyze_vars(
    slim.get_model_variables(), print_info=False))  # fmt: skip

with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    feed = {
        images: np.random.rand(4, 28, 28, 1),
        labels: np.arange(4) % 10,
        is_training: True,
    }
    for name, value in built.items():
        tensors = [
            v
            for v in tf.nest.flatten(value)
            if isinstance(v, (tf.Tensor, tf.Variable, tf.Operation))
        ]
        try:
            sess.run(tensors, feed)
            print("ok", name, "(ran)")
        except Exception as err:  # noqa: BLE001
            failed.append(name)
            print(f"failed {name} (run): {type(err).__name__}: {err}")
    saver = tf.train.Saver()
    checkpoint = saver.save(sess, os.path.join(tempfile.mkdtemp(), "model.ckpt"))
init_fn = slim.assign_from_checkpoint_fn(checkpoint, slim.get_variables_to_restore())
with tf.Session() as sess:
    init_fn(sess)
    print("ok slim.assign_from_checkpoint_fn (ran)")
print("failed:", failed)
sys.exit(1 if failed else 0)

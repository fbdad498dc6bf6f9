"""The TF 1.x Estimator MNIST tutorial's shape: a model_fn returning EstimatorSpec per ModeKeys,
numpy_input_fn, train in two legs that resume from model_dir, evaluate with tf.metrics, predict.
argv: model_dir, steps (per leg)."""

import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

model_dir, steps = sys.argv[1], int(sys.argv[2])
tf.logging.set_verbosity(tf.logging.INFO)
mnist = input_data.read_data_sets("MNIST_data")
train_labels = np.asarray(mnist.train.labels, dtype=np.int32)
eval_labels = np.asarray(mnist.test.labels, dtype=np.int32)


def cnn_model_fn(features, labels, mode, params):
    net = tf.reshape(features["x"], [-1, 28, 28, 1])
    net = tf.layers.conv2d(net, 16, [5, 5], padding="same", activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(net, [2, 2], 2)
    net = tf.layers.dense(tf.reshape(net, [-1, 14 * 14 * 16]), 128, activation=tf.nn.relu)
    net = tf.layers.dropout(net, rate=0.4, training=mode == tf.estimator.ModeKeys.TRAIN)
    logits = tf.layers.dense(net, 10)
    predictions = {
        "classes": tf.argmax(logits, axis=1),
        "probabilities": tf.nn.softmax(logits, name="softmax_tensor"),
    }
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode=mode, predictions=predictions)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == tf.estimator.ModeKeys.TRAIN:
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=params["learning_rate"])
        train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)
    eval_metric_ops = {
        "accuracy": tf.metrics.accuracy(labels=labels, predictions=predictions["classes"])
    }
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)


config = tf.estimator.RunConfig(tf_random_seed=1, save_checkpoints_steps=steps)
classifier = tf.estimator.Estimator(
    model_fn=cnn_model_fn, model_dir=model_dir, config=config, params={"learning_rate": 0.05}
)
logging_hook = tf.train.LoggingTensorHook(
    tensors={"probabilities": "softmax_tensor"}, every_n_iter=50
)
train_input_fn = tf.estimator.inputs.numpy_input_fn(
    x={"x": mnist.train.images}, y=train_labels, batch_size=100, num_epochs=None, shuffle=True
)
classifier.train(input_fn=train_input_fn, steps=steps)
print("global step after leg 1:", classifier.get_variable_value("global_step"))
classifier.train(input_fn=train_input_fn, steps=steps, hooks=[logging_hook])
print("global step after leg 2:", classifier.get_variable_value("global_step"))
classifier.train(input_fn=train_input_fn, max_steps=steps)  # already past: skipped

eval_input_fn = tf.compat.v1.estimator.inputs.numpy_input_fn(
    x={"x": mnist.test.images}, y=eval_labels, num_epochs=1, shuffle=False
)
results = classifier.evaluate(input_fn=eval_input_fn)
print("evaluated at global step", results["global_step"], "loss", round(float(results["loss"]), 3))
predict_input_fn = tf.estimator.inputs.numpy_input_fn(
    x={"x": mnist.test.images[:10]}, num_epochs=1, shuffle=False
)
classes = [int(p["classes"]) for p in classifier.predict(input_fn=predict_input_fn)]
print("predicted", classes, "labels", eval_labels[:10].tolist())
print(f"test accuracy {results['accuracy']:.4f}")

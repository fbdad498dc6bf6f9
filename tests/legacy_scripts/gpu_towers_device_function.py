"""Multi-GPU data parallelism in the TF1 tower style: a device function puts the variables on the
CPU (the parameter server) and every other op on the tower's GPU; the towers' gradients are
averaged on the CPU. argv: steps, towers."""

import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
num_gpus = int(sys.argv[2]) if len(sys.argv) > 2 else 2
batch_size = 100
PS_OPS = ["Variable", "VariableV2", "AutoReloadVariable", "VarHandleOp"]

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)


def assign_to_device(device, ps_device="/cpu:0"):
    def _assign(op):
        node_def = op if isinstance(op, tf.NodeDef) else op.node_def
        if node_def.op in PS_OPS:
            return ps_device
        return device

    return _assign


def model(x, reuse):
    with tf.variable_scope("softmax", reuse=reuse):
        W = tf.get_variable("W", [784, 10], initializer=tf.zeros_initializer())
        b = tf.get_variable("b", [10], initializer=tf.zeros_initializer())
    return tf.matmul(x, W) + b


def average_gradients(tower_grads):
    averaged = []
    for grads_and_var in zip(*tower_grads, strict=True):
        grads = tf.stack([g for g, _ in grads_and_var])
        averaged.append((tf.reduce_mean(grads, 0), grads_and_var[0][1]))
    return averaged


with tf.device("/cpu:0"):
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    optimizer = tf.train.GradientDescentOptimizer(0.5)
    tower_grads, logits = [], []
    for i in range(num_gpus):
        with tf.device(assign_to_device(f"/gpu:{i}")):
            part = slice(i * batch_size, (i + 1) * batch_size)
            tower_logits = model(x[part], reuse=i > 0)
            loss = tf.reduce_mean(
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_[part], logits=tower_logits)
            )
            tower_grads.append(optimizer.compute_gradients(loss))
            logits.append(tower_logits)
    train_op = optimizer.apply_gradients(average_gradients(tower_grads))
    test_logits = model(x, reuse=True)
    correct = tf.equal(tf.argmax(test_logits, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

print("W on", tf.global_variables()[0].device, "tower 1 on", logits[-1].device)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(steps):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size * num_gpus)
        sess.run(train_op, feed_dict={x: batch_xs, y_: batch_ys})
    acc = sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
    print(f"test accuracy {acc:.4f}")

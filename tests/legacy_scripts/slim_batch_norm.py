"""An MNIST network built with tf.contrib.layers' batch_norm (is_training a tensor), trained by
tf.contrib.layers.optimize_loss with a decaying learning-rate tensor, checkpointed, then scored by
slim.metrics.streaming_accuracy after slim.assign_from_checkpoint_fn. argv: logdir, steps."""

import os
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

slim = tf.contrib.slim
layers = tf.contrib.layers
logdir, steps = sys.argv[1], int(sys.argv[2])
mnist = input_data.read_data_sets("MNIST_data", one_hot=False)


def network(images, is_training):
    with slim.arg_scope(
        [layers.conv2d, layers.fully_connected],
        normalizer_fn=layers.batch_norm,
        normalizer_params={"is_training": is_training, "decay": 0.9},
    ):
        net = tf.reshape(images, [-1, 28, 28, 1])
        net = layers.conv2d(net, 16, [5, 5], scope="conv1")
        net = layers.max_pool2d(net, [2, 2], scope="pool1")
        net = layers.flatten(net)
        net = layers.fully_connected(net, 64, scope="fc1")
        net = layers.dropout(net, 0.8, is_training=is_training)
    return layers.fully_connected(net, 10, activation_fn=None, scope="logits")


with tf.Graph().as_default():
    images = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.int64, [None])
    is_training = tf.placeholder(tf.bool, [])
    logits = network(images, is_training)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    global_step = slim.get_or_create_global_step()
    rate = tf.train.exponential_decay(0.05, global_step, 100, 0.9, staircase=True)
    train_op = layers.optimize_loss(
        loss, global_step, rate, tf.train.MomentumOptimizer(rate, 0.9),
        update_ops=tf.get_collection(tf.GraphKeys.UPDATE_OPS),
    )  # fmt: skip
    saver = tf.train.Saver(slim.get_variables_to_restore())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            batch_images, batch_labels = mnist.train.next_batch(100)
            feed = {images: batch_images, labels: batch_labels, is_training: True}
            final_loss, _ = sess.run([loss, train_op], feed)
        saver.save(sess, os.path.join(logdir, "model.ckpt"), global_step=global_step)
    print(f"trained {steps} steps, final loss {final_loss:.3f}")

with tf.Graph().as_default():
    images = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.int64, [None])
    predictions = tf.argmax(network(images, False), 1)
    accuracy, update = slim.metrics.streaming_accuracy(predictions, labels)
    restore = slim.assign_from_checkpoint_fn(
        tf.train.latest_checkpoint(logdir), slim.get_variables_to_restore()
    )
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        restore(sess)
        for start in range(0, mnist.test.num_examples, 1000):
            batch = slice(start, start + 1000)
            sess.run(update, {images: mnist.test.images[batch], labels: mnist.test.labels[batch]})
        print(f"test accuracy {sess.run(accuracy):.4f}")

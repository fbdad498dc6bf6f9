"""A small MNIST network built with tf.contrib.slim and tf.contrib.layers, TensorFlow 1.x style."""

import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

slim = tf.contrib.slim


def model(images, is_training):
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        weights_initializer=tf.contrib.layers.xavier_initializer(),
        weights_regularizer=tf.contrib.layers.l2_regularizer(1e-4),
        activation_fn=tf.nn.relu,
    ):
        net = tf.reshape(images, [-1, 28, 28, 1])
        net = slim.conv2d(net, 16, [5, 5], padding="SAME", scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.flatten(net)
        net = slim.fully_connected(net, 64, scope="fc1")
        net = slim.dropout(net, 0.75, is_training=is_training, scope="dropout1")
        return slim.fully_connected(net, 10, activation_fn=None, scope="logits")


def main(data_dir, steps):
    tf.logging.set_verbosity(tf.logging.ERROR)
    mnist = input_data.read_data_sets(data_dir, one_hot=True)
    images = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.float32, [None, 10])
    is_training = tf.placeholder(tf.bool, [])
    logits = model(images, is_training)
    tf.losses.softmax_cross_entropy(labels, logits)
    total_loss = tf.losses.get_total_loss()  # with the l2 terms the arg_scope added
    train_op = slim.learning.create_train_op(total_loss, tf.train.AdamOptimizer(1e-3))
    accuracy = tf.reduce_mean(
        tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1)), tf.float32)
    )
    print(f"model variables: {len(slim.get_model_variables())}")

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            batch_images, batch_labels = mnist.train.next_batch(50)
            sess.run(train_op, {images: batch_images, labels: batch_labels, is_training: True})
        feed = {images: mnist.test.images[:2000], labels: mnist.test.labels[:2000]}
        feed[is_training] = False
        print(f"test accuracy {sess.run(accuracy, feed):.4f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)

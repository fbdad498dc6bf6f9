"""The MNIST softmax regression written on a GPU machine: the model pinned to /gpu:0, the input
on /cpu:0, a Session with TensorFlow 1's default placement. argv: steps."""

import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 500
mnist = input_data.read_data_sets("MNIST_data", one_hot=True)

with tf.device("/cpu:0"):
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
with tf.device("/gpu:0"):
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.matmul(x, W) + b
    cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

print("W is on", W.device)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(steps):
        batch_xs, batch_ys = mnist.train.next_batch(100)
        sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})
    acc = sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
    print(f"test accuracy {acc:.4f}")

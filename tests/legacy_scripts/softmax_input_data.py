"""Softmax regression on MNIST in the TensorFlow 1.x style: input_data, placeholders, tf.log."""

import argparse

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", default="MNIST_data")
    parser.add_argument("--steps", type=int, default=300)
    options = parser.parse_args()

    digits = input_data.read_data_sets(options.data_dir, one_hot=True)

    pixels = tf.placeholder(tf.float32, [None, 784])
    truth = tf.placeholder(tf.float32, [None, 10])
    weights = tf.Variable(tf.zeros([784, 10]))
    bias = tf.Variable(tf.zeros([10]))
    probabilities = tf.nn.softmax(tf.matmul(pixels, weights) + bias)
    # Cross-entropy written out by hand, as early TF1 code did; clipped so tf.log never sees 0.
    clipped = tf.clip_by_value(probabilities, 1e-10, 1.0)
    loss = tf.reduce_mean(-tf.reduce_sum(truth * tf.log(clipped), reduction_indices=[1]))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    correct = tf.equal(tf.argmax(probabilities, 1), tf.argmax(truth, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

    session = tf.Session()
    session.run(tf.global_variables_initializer())
    for _ in range(options.steps):
        images, labels = digits.train.next_batch(100)
        session.run(train, feed_dict={pixels: images, truth: labels})
    test = {pixels: digits.test.images, truth: digits.test.labels}
    print(f"test accuracy {session.run(accuracy, feed_dict=test):.4f}")
    session.close()


if __name__ == "__main__":
    main()

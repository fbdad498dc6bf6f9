"""The beginner tutorial: softmax regression on MNIST (TensorFlow 1.x).

A single affine layer, the naive log of the softmax summed over the batch, plain gradient descent
on batches of 100 from mnist.train.next_batch; the accuracy on the whole test set.

    python softmax.py --data_dir DIR --learning_rate 0.01 --steps 6000 --seed 1
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import sys
import time

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

FLAGS = None


def main(_):
  tf.set_random_seed(FLAGS.seed)
  mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

  # Create the model
  x = tf.placeholder(tf.float32, [None, 784])
  W = tf.Variable(tf.zeros([784, 10]))
  b = tf.Variable(tf.zeros([10]))
  y = tf.nn.softmax(tf.matmul(x, W) + b)

  # Define loss and optimizer
  y_ = tf.placeholder(tf.float32, [None, 10])
  cross_entropy = -tf.reduce_sum(y_ * tf.log(y))
  train_step = tf.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(cross_entropy)

  sess = tf.Session()
  sess.run(tf.global_variables_initializer())

  # Train
  start = time.time()
  for _ in range(FLAGS.steps):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
  seconds = time.time() - start

  # Test trained model
  correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
  accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
  result = sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
  print('test accuracy %g after %d steps (loss %g, %.1f s of training, %d test images)'
        % (result, FLAGS.steps, loss, seconds, mnist.test.num_examples))


if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('--data_dir', type=str, default='/tmp/tensorflow/mnist/input_data',
                      help='Directory for storing input data')
  parser.add_argument('--learning_rate', type=float, default=0.01)
  parser.add_argument('--steps', type=int, default=1000)
  parser.add_argument('--seed', type=int, default=1)
  FLAGS, unparsed = parser.parse_known_args()
  tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)

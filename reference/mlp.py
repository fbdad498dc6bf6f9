"""A three-layer sigmoid network on MNIST (TensorFlow 1.x).

784 -> 256 -> 256 -> 10, every weight and bias from random_normal; mean cross-entropy; gradient
descent 0.1; 30 epochs of int(55000 / 100) batches; the last batch's cost every third epoch.

    python mlp.py --data_dir DIR --epochs 30 --seed 1
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

learning_rate = 0.1
batch_size = 100
display_step = 3

n_hidden_1 = 256
n_hidden_2 = 256
n_input = 784
n_classes = 10


def multilayer_perceptron(x, weights, biases):
  layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights['h1']), biases['b1']))
  layer_2 = tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights['h2']), biases['b2']))
  return tf.matmul(layer_2, weights['out']) + biases['out']


def main(_):
  tf.set_random_seed(FLAGS.seed)
  mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

  x = tf.placeholder('float', [None, n_input])
  y = tf.placeholder('float', [None, n_classes])

  weights = {
      'h1': tf.Variable(tf.random_normal([n_input, n_hidden_1])),
      'h2': tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2])),
      'out': tf.Variable(tf.random_normal([n_hidden_2, n_classes])),
  }
  biases = {
      'b1': tf.Variable(tf.random_normal([n_hidden_1])),
      'b2': tf.Variable(tf.random_normal([n_hidden_2])),
      'out': tf.Variable(tf.random_normal([n_classes])),
  }
  pred = multilayer_perceptron(x, weights, biases)

  cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=pred, labels=y))
  optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate).minimize(cost)

  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    start = time.time()
    total_batch = int(mnist.train.num_examples / batch_size)
    for epoch in range(FLAGS.epochs):
      for _ in range(total_batch):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        _, c = sess.run([optimizer, cost], feed_dict={x: batch_x, y: batch_y})
      if (epoch + 1) % display_step == 0:
        print('Epoch:', '%04d' % (epoch + 1), 'cost=', '{:.9f}'.format(c))
    seconds = time.time() - start
    print('Optimization Finished!')

    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, 'float'))
    result = accuracy.eval({x: mnist.test.images, y: mnist.test.labels})
    print('test accuracy %g after %d steps (loss %g, %.1f s of training, %d test images)'
          % (result, FLAGS.epochs * total_batch, c, seconds, mnist.test.num_examples))


if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('--data_dir', type=str, default='/tmp/tensorflow/mnist/input_data')
  parser.add_argument('--epochs', type=int, default=30)
  parser.add_argument('--seed', type=int, default=1)
  FLAGS, unparsed = parser.parse_known_args()
  tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)

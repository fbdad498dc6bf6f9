"""A small CNN with a large learning rate on MNIST (TensorFlow 1.x), in plain tf.nn ops.

Two 3x3 convolutions (32, 64 filters, no bias, ReLU) each max-pooled 2x2, one dense layer to 10
logits; random_normal(0.01) weights, a random_normal dense bias; Adam 0.01; 15 epochs of
int(55000 / 100) batches of 100; the training time is printed.

    python graph_cnn.py --data_dir DIR --epochs 15 --seed 1
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

learning_rate = 0.01
batch_size = 100


def main(_):
  tf.set_random_seed(FLAGS.seed)
  mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

  X = tf.placeholder(tf.float32, [None, 784])
  X_img = tf.reshape(X, [-1, 28, 28, 1])
  Y = tf.placeholder(tf.float32, [None, 10])

  W1 = tf.Variable(tf.random_normal([3, 3, 1, 32], stddev=0.01))
  L1 = tf.nn.relu(tf.nn.conv2d(X_img, W1, strides=[1, 1, 1, 1], padding='SAME'))
  L1 = tf.nn.max_pool(L1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')

  W2 = tf.Variable(tf.random_normal([3, 3, 32, 64], stddev=0.01))
  L2 = tf.nn.relu(tf.nn.conv2d(L1, W2, strides=[1, 1, 1, 1], padding='SAME'))
  L2 = tf.nn.max_pool(L2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
  L2_flat = tf.reshape(L2, [-1, 7 * 7 * 64])

  W3 = tf.Variable(tf.random_normal([7 * 7 * 64, 10], stddev=0.01))
  b = tf.Variable(tf.random_normal([10]))
  logits = tf.matmul(L2_flat, W3) + b

  cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
  optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

  sess = tf.Session()
  sess.run(tf.global_variables_initializer())

  start = time.time()
  total_batch = int(mnist.train.num_examples / batch_size)
  for epoch in range(FLAGS.epochs):
    avg_cost = 0
    for _ in range(total_batch):
      batch_xs, batch_ys = mnist.train.next_batch(batch_size)
      c, _ = sess.run([cost, optimizer], feed_dict={X: batch_xs, Y: batch_ys})
      avg_cost += c / total_batch
    print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost))
  seconds = time.time() - start
  print('Learning finished in %.1f seconds' % seconds)

  correct_prediction = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
  accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
  chunks = [sess.run(accuracy, feed_dict={X: mnist.test.images[i:i + 1000],
                                          Y: mnist.test.labels[i:i + 1000]})
            for i in range(0, mnist.test.num_examples, 1000)]
  result = sum(chunks) / len(chunks)
  print('test accuracy %g after %d steps (loss %g, %.1f s of training, %d test images)'
        % (result, FLAGS.epochs * total_batch, c, seconds, mnist.test.num_examples))


if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('--data_dir', type=str, default='/tmp/tensorflow/mnist/input_data')
  parser.add_argument('--epochs', type=int, default=15)
  parser.add_argument('--seed', type=int, default=1)
  FLAGS, unparsed = parser.parse_known_args()
  tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)

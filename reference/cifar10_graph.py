"""The small CNN of graph_cnn.py on CIFAR-10's binary version (TensorFlow 1.x).

32x32x3 inputs, the same two 3x3 convolutions, pooled to 8x8x64, one dense layer to 10 logits;
Adam 0.01; 15 epochs of 500 batches of 100 taken in order; the raw 0-255 pixels as the document
fed them (--scale_inputs divides by 255); the test set in batches of 100.

    python cifar10_graph.py --data_dir DIR/cifar-10-batches-bin --epochs 15 --seed 1

The test split is test_batch.bin, or test_batch_first1000.bin where only that file is there.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import os
import sys
import time

import numpy as np
import tensorflow as tf

FLAGS = None

learning_rate = 0.01
batch_size = 100
RECORD_BYTES = 1 + 32 * 32 * 3


def read_batches(filenames):
  """Images [N, 32, 32, 3] (float32, 0-255) and one-hot labels [N, 10] from binary batch files."""
  records = np.concatenate([np.fromfile(name, dtype=np.uint8).reshape(-1, RECORD_BYTES)
                            for name in filenames])
  images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float32)
  labels = np.eye(10, dtype=np.float32)[records[:, 0]]
  return images, labels


def main(_):
  tf.set_random_seed(FLAGS.seed)
  train_files = [os.path.join(FLAGS.data_dir, 'data_batch_%d.bin' % i) for i in range(1, 6)]
  test_file = os.path.join(FLAGS.data_dir, 'test_batch.bin')
  if not os.path.exists(test_file):
    test_file = os.path.join(FLAGS.data_dir, 'test_batch_first1000.bin')
  train_x, train_y = read_batches(train_files)
  test_x, test_y = read_batches([test_file])
  if FLAGS.scale_inputs:
    train_x, test_x = train_x / 255.0, test_x / 255.0

  X = tf.placeholder(tf.float32, [None, 32, 32, 3])
  Y = tf.placeholder(tf.float32, [None, 10])

  W1 = tf.Variable(tf.random_normal([3, 3, 3, 32], stddev=0.01))
  L1 = tf.nn.relu(tf.nn.conv2d(X, W1, strides=[1, 1, 1, 1], padding='SAME'))
  L1 = tf.nn.max_pool(L1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')

  W2 = tf.Variable(tf.random_normal([3, 3, 32, 64], stddev=0.01))
  L2 = tf.nn.relu(tf.nn.conv2d(L1, W2, strides=[1, 1, 1, 1], padding='SAME'))
  L2 = tf.nn.max_pool(L2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
  L2_flat = tf.reshape(L2, [-1, 8 * 8 * 64])

  W3 = tf.Variable(tf.random_normal([8 * 8 * 64, 10], stddev=0.01))
  b = tf.Variable(tf.random_normal([10]))
  logits = tf.matmul(L2_flat, W3) + b

  cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
  optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

  sess = tf.Session()
  sess.run(tf.global_variables_initializer())

  start = time.time()
  total_batch = int(len(train_x) / batch_size)
  for epoch in range(FLAGS.epochs):
    avg_cost = 0
    for i in range(total_batch):
      batch_xs = train_x[i * batch_size:(i + 1) * batch_size]
      batch_ys = train_y[i * batch_size:(i + 1) * batch_size]
      c, _ = sess.run([cost, optimizer], feed_dict={X: batch_xs, Y: batch_ys})
      avg_cost += c / total_batch
    print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost))
  seconds = time.time() - start
  print('Learning finished in %.1f seconds' % seconds)

  correct_prediction = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
  accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
  batches = [sess.run(accuracy, feed_dict={X: test_x[i:i + 100], Y: test_y[i:i + 100]})
             for i in range(0, len(test_x), 100)]
  result = sum(batches) / len(batches)
  print('test accuracy %g after %d steps (loss %g, %.1f s of training, %d test images)'
        % (result, FLAGS.epochs * total_batch, c, seconds, len(test_x)))


if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('--data_dir', type=str, default='/tmp/cifar10_data/cifar-10-batches-bin')
  parser.add_argument('--epochs', type=int, default=15)
  parser.add_argument('--scale_inputs', action='store_true')
  parser.add_argument('--seed', type=int, default=1)
  FLAGS, unparsed = parser.parse_known_args()
  tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)

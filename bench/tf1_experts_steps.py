"""Time the Deep MNIST for Experts training step (TensorFlow 1.x).

The tutorial's graph -- two 5x5 convolutions (32, 64 filters) with max-pooling, a 1024-unit layer,
dropout fed through keep_prob, 10 logits, Adam 1e-4 -- and its feed loop: a batch of 50 from
mnist.train.next_batch, one sess.run of the train step, the loss and the batch accuracy with
keep_prob 0.5 fed. The first --warmup steps are not timed; each of the next --steps is timed
alone, and the last line says how long they took:

    experts steps: 300 timed after 20 warm-up, batch 50: mean 66.12 ms, median 65.40 ms per step

    python tf1_experts_steps.py --data_dir DIR --warmup 20 --steps 300 --seed 1
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import sys
import time

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

FLAGS = None
BATCH_SIZE = 50


def weight_variable(shape):
  initial = tf.truncated_normal(shape, stddev=0.1)
  return tf.Variable(initial)


def bias_variable(shape):
  initial = tf.constant(0.1, shape=shape)
  return tf.Variable(initial)


def conv2d(x, W):
  return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')


def max_pool_2x2(x):
  return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')


def main(_):
  tf.set_random_seed(FLAGS.seed)
  mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

  x = tf.placeholder(tf.float32, shape=[None, 784])
  y_ = tf.placeholder(tf.float32, shape=[None, 10])
  keep_prob = tf.placeholder(tf.float32)

  x_image = tf.reshape(x, [-1, 28, 28, 1])

  W_conv1 = weight_variable([5, 5, 1, 32])
  b_conv1 = bias_variable([32])
  h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
  h_pool1 = max_pool_2x2(h_conv1)

  W_conv2 = weight_variable([5, 5, 32, 64])
  b_conv2 = bias_variable([64])
  h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
  h_pool2 = max_pool_2x2(h_conv2)

  W_fc1 = weight_variable([7 * 7 * 64, 1024])
  b_fc1 = bias_variable([1024])
  h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
  h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

  h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

  W_fc2 = weight_variable([1024, 10])
  b_fc2 = bias_variable([10])
  y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2

  cross_entropy = tf.reduce_mean(
      tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y_conv))
  train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
  correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
  accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    seconds = []
    for i in range(FLAGS.warmup + FLAGS.steps):
      start = time.time()
      batch = mnist.train.next_batch(BATCH_SIZE)
      sess.run([train_step, cross_entropy, accuracy],
               feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})
      if i >= FLAGS.warmup:
        seconds.append(time.time() - start)

  print('experts steps: %d timed after %d warm-up, batch %d: mean %.2f ms, median %.2f ms '
        'per step' % (len(seconds), FLAGS.warmup, BATCH_SIZE, 1000 * np.mean(seconds),
                      1000 * np.median(seconds)))


if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('--data_dir', type=str, default='/tmp/tensorflow/mnist/input_data')
  parser.add_argument('--warmup', type=int, default=20)
  parser.add_argument('--steps', type=int, default=300)
  parser.add_argument('--seed', type=int, default=1)
  FLAGS, unparsed = parser.parse_known_args()
  tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)

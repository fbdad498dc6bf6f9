"""The experts network written with TF-Slim, LeNet style (TensorFlow 1.x, tf.contrib.slim).

slim.conv2d (5x5, 32 and 64), slim.max_pool2d, slim.fully_connected 1024, slim.dropout(0.5) while
training, 10 logits; truncated_normal(0.1) weights, 0.1 biases through arg_scope; Adam 1e-4 on
batches of 50; the training accuracy every 100 steps.

    python slim_cnn.py --data_dir DIR --steps 20000 --seed 1
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import sys
import time

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

slim = tf.contrib.slim

FLAGS = None


def lenet(images, is_training):
  with slim.arg_scope([slim.conv2d, slim.fully_connected],
                      weights_initializer=tf.truncated_normal_initializer(stddev=0.1),
                      biases_initializer=tf.constant_initializer(0.1),
                      activation_fn=tf.nn.relu):
    with slim.arg_scope([slim.conv2d, slim.max_pool2d], padding='SAME'):
      net = tf.reshape(images, [-1, 28, 28, 1])
      net = slim.conv2d(net, 32, [5, 5], scope='conv1')
      net = slim.max_pool2d(net, [2, 2], 2, scope='pool1')
      net = slim.conv2d(net, 64, [5, 5], scope='conv2')
      net = slim.max_pool2d(net, [2, 2], 2, scope='pool2')
    net = slim.flatten(net)
    net = slim.fully_connected(net, 1024, scope='fc3')
    net = slim.dropout(net, 0.5, is_training=is_training, scope='dropout3')
    logits = slim.fully_connected(net, 10, activation_fn=None, scope='fc4')
  return logits


def main(_):
  tf.set_random_seed(FLAGS.seed)
  mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

  x = tf.placeholder(tf.float32, [None, 784])
  y_ = tf.placeholder(tf.float32, [None, 10])
  is_training = tf.placeholder(tf.bool)

  logits = lenet(x, is_training)
  loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
  train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)
  correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1))
  accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    start = time.time()
    for i in range(FLAGS.steps):
      xs, ys = mnist.train.next_batch(50)
      if i % 100 == 0:
        acc = sess.run(accuracy, feed_dict={x: xs, y_: ys, is_training: False})
        print('step %d, training accuracy %g' % (i, acc))
      _, last_loss = sess.run([train_op, loss], feed_dict={x: xs, y_: ys, is_training: True})
    seconds = time.time() - start

    chunks = [sess.run(accuracy, feed_dict={x: mnist.test.images[i:i + 1000],
                                            y_: mnist.test.labels[i:i + 1000],
                                            is_training: False})
              for i in range(0, mnist.test.num_examples, 1000)]
    result = sum(chunks) / len(chunks)
    print('test accuracy %g after %d steps (loss %g, %.1f s of training, %d test images)'
          % (result, FLAGS.steps, last_loss, seconds, mnist.test.num_examples))


if __name__ == '__main__':
  parser = argparse.ArgumentParser()
  parser.add_argument('--data_dir', type=str, default='/tmp/tensorflow/mnist/input_data')
  parser.add_argument('--steps', type=int, default=20000)
  parser.add_argument('--seed', type=int, default=1)
  FLAGS, unparsed = parser.parse_known_args()
  tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)

"""An MNIST perceptron whose sizes come from the data, as NumPy integers: the class count is
np.max of input_data's uint8 labels + 1, the hidden width an np.int16 from a config array, the
image side an np.int64. argv: steps."""

import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 500
mnist = input_data.read_data_sets("MNIST_data", one_hot=False)

target_size = np.max(mnist.train.labels) + 1
hidden_size = np.array([128, 64], dtype=np.int16)[0]
side = np.int64(np.sqrt(mnist.train.images.shape[1]))
print("sizes", type(target_size).__name__, type(hidden_size).__name__, type(side).__name__)

x = tf.placeholder(tf.float32, [None, side * side])
labels = tf.placeholder(tf.int64, [None])
images = tf.reshape(x, [-1, side, side, np.uint8(1)])
flat = tf.reshape(images, [-1, side * side])

W1 = tf.Variable(tf.truncated_normal([side * side, hidden_size], stddev=0.1))
b1 = tf.Variable(tf.zeros([hidden_size]))
W2 = tf.Variable(tf.truncated_normal([hidden_size, target_size], stddev=0.1))
b2 = tf.Variable(tf.random_normal([target_size], stddev=0.01))
hidden = tf.nn.relu(tf.matmul(flat, W1) + b1)
logits = tf.matmul(hidden, W2) + b2
first = tf.slice(logits, [0, np.uint8(0)], [-1, target_size])

y_ = tf.one_hot(labels, target_size)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=first))
train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)
correct = tf.equal(tf.argmax(first, 1), labels)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(steps):
        batch_x, batch_y = mnist.train.next_batch(100)
        sess.run(train_step, feed_dict={x: batch_x, labels: batch_y})
    acc = sess.run(accuracy, feed_dict={x: mnist.test.images, labels: mnist.test.labels})
    print(f"test accuracy {acc:.4f}")

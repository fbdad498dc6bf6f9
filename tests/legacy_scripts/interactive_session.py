"""A one-hidden-layer network trained in an InteractiveSession with Tensor.eval and Operation.run.

Usage: interactive_session.py DATA_DIR LOGDIR. The graph is written to LOGDIR for TensorBoard.
"""

import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

data_dir, logdir = sys.argv[1], sys.argv[2]
mnist = input_data.read_data_sets(data_dir, one_hot=True)

tf.reset_default_graph()
sess = tf.InteractiveSession()

x = tf.placeholder(tf.float32, shape=[None, 784])
y_ = tf.placeholder(tf.float32, shape=[None, 10])
keep_prob = tf.placeholder(tf.float32)

W1 = tf.Variable(tf.random_normal([784, 128], stddev=0.05))
b1 = tf.Variable(tf.zeros([128]))
h1 = tf.nn.dropout(tf.nn.relu(tf.matmul(x, W1) + b1), keep_prob=keep_prob)
W2 = tf.Variable(tf.truncated_normal([128, 10], stddev=0.1))
b2 = tf.Variable(tf.zeros([10]))
y = tf.matmul(h1, W2) + b2

cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.AdamOptimizer(1e-3).minimize(cross_entropy)
correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

tf.global_variables_initializer().run()
if not tf.gfile.Exists(logdir):
    tf.gfile.MakeDirs(logdir)
writer = tf.summary.FileWriter(logdir, sess.graph)

for i in range(300):
    batch = mnist.train.next_batch(100)
    if i % 100 == 0:
        train_accuracy = accuracy.eval(feed_dict={x: batch[0], y_: batch[1], keep_prob: 1.0})
        print(f"step {i}, training accuracy {train_accuracy:g}")
    train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.8})

writer.close()
test_accuracy = accuracy.eval(
    feed_dict={x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0}
)
print(f"test accuracy {test_accuracy:.4f}")
sess.close()

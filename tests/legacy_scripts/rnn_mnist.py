"""MNIST rows through tf.contrib.rnn, as the TF 1.x RNN examples did, with the data from
tf.contrib.learn's MNIST helpers. argv: kind (lstm: MultiRNNCell of DropoutWrapper(BasicLSTMCell)
with static_rnn; bidirectional: GRUCell forward, LSTMCell backward, static_bidirectional_rnn),
steps."""

import sys

import tensorflow as tf
from tensorflow.contrib import rnn
from tensorflow.contrib.learn.python.learn.datasets.mnist import read_data_sets

kind = sys.argv[1]
training_steps = int(sys.argv[2])
batch_size, timesteps, num_input, num_hidden, num_classes = 128, 28, 28, 64, 10

if kind == "lstm":
    mnist = tf.contrib.learn.datasets.load_dataset("mnist")
else:
    mnist = read_data_sets("MNIST-data", one_hot=False)

tf.set_random_seed(1)
X = tf.placeholder("float", [None, timesteps, num_input])
Y = tf.placeholder(tf.int64, [None])
keep_prob = tf.placeholder(tf.float32)
inputs = tf.unstack(X, timesteps, 1)

if kind == "lstm":
    cells = [
        rnn.DropoutWrapper(
            rnn.BasicLSTMCell(num_hidden, forget_bias=1.0), output_keep_prob=keep_prob
        )
        for _ in range(2)
    ]
    outputs, states = rnn.static_rnn(rnn.MultiRNNCell(cells), inputs, dtype=tf.float32)
    print("state is LSTMStateTuple:", isinstance(states[-1], rnn.LSTMStateTuple))
    last = outputs[-1]
else:
    outputs, _, _ = rnn.static_bidirectional_rnn(
        rnn.GRUCell(num_hidden), rnn.LSTMCell(num_hidden), inputs, dtype=tf.float32
    )
    last = outputs[-1]

weights = tf.Variable(tf.random_normal([int(last.shape[1]), num_classes]))
biases = tf.Variable(tf.random_normal([num_classes]))
logits = tf.matmul(last, weights) + biases
loss_op = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=Y, logits=logits))
train_op = tf.train.AdamOptimizer(learning_rate=0.005).minimize(loss_op)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), Y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(training_steps):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        if batch_y.ndim == 2:
            batch_y = batch_y.argmax(1)
        batch_x = batch_x.reshape((batch_size, timesteps, num_input))
        sess.run(train_op, feed_dict={X: batch_x, Y: batch_y, keep_prob: 0.9})
    test_labels = mnist.test.labels if mnist.test.labels.ndim == 1 else mnist.test.labels.argmax(1)
    test_data = mnist.test.images.reshape((-1, timesteps, num_input))
    acc = sess.run(accuracy, feed_dict={X: test_data, Y: test_labels, keep_prob: 1.0})
    print(f"test accuracy {acc:.4f}")

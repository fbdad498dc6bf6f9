"""A character RNN in the style of the TF1 course labs: an LSTM reads a sentence one character at
a time and learns to predict the next one, trained with tf.contrib.seq2seq.sequence_loss over
every time step. argv: training steps."""

import sys

import numpy as np
import tensorflow as tf

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
sentence = "if you want to build a ship, don't drum up people to collect wood"
tf.set_random_seed(777)

idx2char = sorted(set(sentence))
char2idx = {c: i for i, c in enumerate(idx2char)}
num_classes = len(idx2char)
hidden_size = 64
sequence_length = 12

x_data, y_data = [], []
for i in range(len(sentence) - sequence_length):
    x_data.append([char2idx[c] for c in sentence[i : i + sequence_length]])
    y_data.append([char2idx[c] for c in sentence[i + 1 : i + sequence_length + 1]])
batch_size = len(x_data)

X = tf.placeholder(tf.int32, [None, sequence_length])
Y = tf.placeholder(tf.int32, [None, sequence_length])
X_one_hot = tf.one_hot(X, num_classes)
cell = tf.contrib.rnn.BasicLSTMCell(num_units=hidden_size, state_is_tuple=True)
outputs, _states = tf.nn.dynamic_rnn(cell, X_one_hot, dtype=tf.float32)
X_for_fc = tf.reshape(outputs, [-1, hidden_size])
outputs = tf.contrib.layers.fully_connected(X_for_fc, num_classes, activation_fn=None)
outputs = tf.reshape(outputs, [batch_size, sequence_length, num_classes])

weights = tf.ones([batch_size, sequence_length])
sequence_loss = tf.contrib.seq2seq.sequence_loss(logits=outputs, targets=Y, weights=weights)
loss = tf.reduce_mean(sequence_loss)
train = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)
prediction = tf.argmax(outputs, axis=2)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(steps):
        loss_value, _ = sess.run([loss, train], feed_dict={X: x_data, Y: y_data})
        if i % 100 == 0:
            print(i, "loss:", loss_value)
    results = sess.run(prediction, feed_dict={X: x_data})
    # The first window whole, then the last character of each following window.
    text = "".join(idx2char[c] for c in results[0])
    text += "".join(idx2char[window[-1]] for window in results[1:])
    print("predicted:", text)
    print(f"test accuracy {np.mean(results == np.array(y_data)):.4f}")

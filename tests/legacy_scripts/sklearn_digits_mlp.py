"""A TF1 perceptron on scikit-learn's 8x8 digits, prepared as the era's notebooks did with
scikit-learn: load_digits, StandardScaler, OneHotEncoder and train_test_split; t-SNE of the
hidden layer for the plot. argv: steps."""

import sys

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 500
digits = load_digits()
X = StandardScaler().fit_transform(digits.data).astype(np.float32)
y = OneHotEncoder().fit_transform(digits.target.reshape(-1, 1)).toarray().astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)
print("train", X_train.shape, "test", X_test.shape)

x = tf.placeholder(tf.float32, [None, 64])
y_ = tf.placeholder(tf.float32, [None, 10])
hidden = tf.layers.dense(x, 32, activation=tf.nn.relu)
logits = tf.layers.dense(hidden, 10)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
train_step = tf.train.AdamOptimizer(0.01).minimize(loss)
correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(steps):
        batch = np.random.choice(len(X_train), 100)
        sess.run(train_step, feed_dict={x: X_train[batch], y_: y_train[batch]})
    features = sess.run(hidden, feed_dict={x: X_test[:200]})
    embedded = TSNE(n_components=2, init="pca", random_state=0).fit_transform(features)
    print("t-SNE", embedded.shape)
    acc = sess.run(accuracy, feed_dict={x: X_test, y_: y_test})
    print(f"test accuracy {acc:.4f}")

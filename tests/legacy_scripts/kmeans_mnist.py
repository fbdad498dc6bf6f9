"""K-Means on MNIST with tf.contrib.factorization, as the classic TF1 example runs it: cluster
the training images, label each cluster with its most frequent digit, classify the test images
by their nearest centroid. argv: training steps, clusters, training images."""

import sys

import numpy as np
import tensorflow as tf
from tensorflow.contrib.factorization import KMeans
from tensorflow.examples.tutorials.mnist import input_data

num_steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
k = int(sys.argv[2]) if len(sys.argv) > 2 else 25
train_images = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
num_classes = 10
num_features = 784

mnist = input_data.read_data_sets("MNIST_data", one_hot=True)
full_data_x = mnist.train.images[:train_images]

X = tf.placeholder(tf.float32, shape=[None, num_features])
Y = tf.placeholder(tf.float32, shape=[None, num_classes])

kmeans = KMeans(inputs=X, num_clusters=k, distance_metric="cosine", use_mini_batch=True)
training_graph = kmeans.training_graph()
if len(training_graph) > 6:  # TensorFlow 1.4+ added cluster_centers_var
    (all_scores, cluster_idx, scores, cluster_centers_initialized, cluster_centers_var,
     init_op, train_op) = training_graph  # fmt: skip
else:
    (all_scores, cluster_idx, scores, cluster_centers_initialized, init_op, train_op) = (
        training_graph
    )
print("training_graph returns", len(training_graph), "items")
cluster_idx = cluster_idx[0]
avg_distance = tf.reduce_mean(scores)

sess = tf.Session()
sess.run(tf.global_variables_initializer(), feed_dict={X: full_data_x})
sess.run(init_op, feed_dict={X: full_data_x})
for i in range(1, num_steps + 1):
    _, d, idx = sess.run([train_op, avg_distance, cluster_idx], feed_dict={X: full_data_x})
    if i % 10 == 0 or i == 1:
        print(f"Step {i}, Avg Distance: {d:f}")

counts = np.zeros(shape=(k, num_classes))
for i in range(len(idx)):
    counts[idx[i]] += mnist.train.labels[i]
labels_map = tf.convert_to_tensor([np.argmax(c) for c in counts])
cluster_label = tf.nn.embedding_lookup(labels_map, cluster_idx)
correct_prediction = tf.equal(cluster_label, tf.cast(tf.argmax(Y, 1), tf.int32))
accuracy_op = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
test_x, test_y = mnist.test.images, mnist.test.labels
print(f"test accuracy {sess.run(accuracy_op, feed_dict={X: test_x, Y: test_y}):.4f}")

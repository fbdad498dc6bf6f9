"""A one-convolution MNIST network driven by tf.app.flags and tf.app.run, TensorFlow 1.x style."""

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

flags = tf.app.flags
flags.DEFINE_string("data_dir", "/tmp/tensorflow/mnist/input_data", "where MNIST is kept")
flags.DEFINE_integer("max_steps", 200, "training steps")
flags.DEFINE_float("learning_rate", 1e-3, "Adam's learning rate")
flags.DEFINE_integer("eval_images", 2000, "test images to score")
FLAGS = flags.FLAGS


def weight(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


def bias(size):
    return tf.Variable(tf.constant(0.1, shape=[size]))


def network(images, keep_prob):
    grid = tf.reshape(images, [-1, 28, 28, 1])
    conv = tf.nn.relu(
        tf.nn.conv2d(grid, weight([5, 5, 1, 16]), strides=[1, 1, 1, 1], padding="SAME") + bias(16)
    )
    pooled = tf.nn.max_pool(conv, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    flat = tf.reshape(pooled, [-1, 14 * 14 * 16])
    hidden = tf.nn.relu(tf.matmul(flat, weight([14 * 14 * 16, 128])) + bias(128))
    dropped = tf.nn.dropout(hidden, keep_prob)
    return tf.matmul(dropped, weight([128, 10])) + bias(10)


def main(_):
    digits = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
    images = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.float32, [None, 10])
    keep_prob = tf.placeholder(tf.float32)
    logits = network(images, keep_prob)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    train = tf.train.AdamOptimizer(FLAGS.learning_rate).minimize(loss)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for step in range(FLAGS.max_steps):
            batch_images, batch_labels = digits.train.next_batch(50)
            session.run(train, {images: batch_images, labels: batch_labels, keep_prob: 0.5})
            if step % 100 == 0:
                print(f"step {step}")
        print(f"trained {FLAGS.max_steps} steps")
        count = FLAGS.eval_images
        test = {
            images: digits.test.images[:count],
            labels: digits.test.labels[:count],
            keep_prob: 1.0,
        }
        print(f"test accuracy {session.run(accuracy, test):.4f}")


if __name__ == "__main__":
    tf.app.run()

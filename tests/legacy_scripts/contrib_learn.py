"""Reaches for a tf.contrib part TensorFlow 2 has nothing for; argv[1] picks how it asks."""

import sys

import tensorflow as tf

form = sys.argv[1] if len(sys.argv) > 1 else "attribute"
features = tf.placeholder(tf.float32, [None, 4])
if form == "attribute":
    classifier = tf.contrib.learn.DNNClassifier(feature_columns=[], hidden_units=[10])
elif form == "import":
    from tensorflow.contrib import learn

    classifier = learn.LinearClassifier(feature_columns=[])
print("not reached")

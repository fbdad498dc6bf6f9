"""A stacked what-where autoencoder on MNIST in the Keras 2.3 functional style of the examples'
mnist_swwae.py: the 'where' switches of each max pooling come from a Lambda that returns the
gradients of the pooled sum (a one-item list), and unpooling multiplies them in with a merge layer
called on a Python list. argv: training images, epochs."""

import sys

import numpy as np
from keras import backend as K
from keras import layers
from keras.datasets import mnist
from keras.models import Model

train_images = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
nfeats = [8, 16]


def getwhere(x):
    """The max pooling's switches: the gradient of the pooled sum w.r.t. the unpooled input."""
    y_prepool, y_postpool = x
    return K.gradients(K.sum(y_postpool), y_prepool)


(x_train, _), (x_test, _) = mnist.load_data()
x_train = x_train[:train_images].reshape(-1, 28, 28, 1).astype("float32") / 255
x_test = x_test[:2000].reshape(-1, 28, 28, 1).astype("float32") / 255

img_input = layers.Input(shape=(28, 28, 1))
y = img_input
wheres = []
for features in nfeats:
    y_prepool = layers.Conv2D(features, 3, padding="same", activation="relu")(y)
    y = layers.MaxPooling2D(pool_size=(2, 2))(y_prepool)
    wheres.append(layers.Lambda(getwhere, output_shape=lambda x: x[0])([y_prepool, y]))
for features, where in zip(reversed(nfeats), reversed(wheres), strict=True):
    y = layers.Conv2D(features, 3, padding="same", activation="relu")(y)
    y = layers.UpSampling2D(size=(2, 2))(y)
    y = layers.multiply([y, where])
y = layers.Conv2D(1, 3, padding="same")(y)

model = Model(img_input, y)
model.compile("adam", "mse")
print("where shapes", [K.int_shape(where) for where in wheres])
model.fit(x_train, x_train, batch_size=32, epochs=epochs, verbose=0)
mse = model.evaluate(x_test, x_test, verbose=0)
baseline = float(np.mean((x_test - x_train.mean(axis=0)) ** 2))
print(f"test mse {mse:.4f} mean-image baseline {baseline:.4f}")

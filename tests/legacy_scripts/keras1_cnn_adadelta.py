"""A Keras 1 style MNIST convnet: Convolution2D(nb_filter, nb_row, nb_col, border_mode=, init=),
K.image_dim_ordering(), Dense(output_dim), Dropout(p) and the string 'adadelta', whose Keras 1/2
learning rate (1.0) the script relies on without naming it. argv: [train_images] [epochs]."""

import sys

import numpy as np
from keras import backend as K
from keras.datasets import mnist
from keras.layers.convolutional import Convolution2D, MaxPooling2D
from keras.layers.core import Activation, Dense, Dropout, Flatten
from keras.models import Sequential
from keras.utils import np_utils

np.random.seed(1337)
train_images = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
nb_epoch = int(sys.argv[2]) if len(sys.argv) > 2 else 1
nb_classes, nb_filters, nb_pool, nb_conv = 10, 16, 2, 3
img_rows, img_cols = 28, 28

(X_train, y_train), (X_test, y_test) = mnist.load_data()
X_train, y_train = X_train[:train_images], y_train[:train_images]
if K.image_dim_ordering() == "th":
    X_train = X_train.reshape(X_train.shape[0], 1, img_rows, img_cols)
    X_test = X_test.reshape(X_test.shape[0], 1, img_rows, img_cols)
    input_shape = (1, img_rows, img_cols)
else:
    X_train = X_train.reshape(X_train.shape[0], img_rows, img_cols, 1)
    X_test = X_test.reshape(X_test.shape[0], img_rows, img_cols, 1)
    input_shape = (img_rows, img_cols, 1)
print("dim ordering", K.image_dim_ordering())
X_train = X_train.astype("float32") / 255
X_test = X_test.astype("float32") / 255
Y_train = np_utils.to_categorical(y_train, nb_classes)
Y_test = np_utils.to_categorical(y_test, nb_classes)

model = Sequential()
model.add(
    Convolution2D(
        nb_filters, nb_conv, nb_conv, border_mode="valid", init="glorot_uniform",
        input_shape=input_shape,
    )
)  # fmt: skip
model.add(Activation("relu"))
model.add(Convolution2D(nb_filters, nb_conv, nb_conv, subsample=(1, 1)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(nb_pool, nb_pool), border_mode="valid"))
model.add(Dropout(p=0.25))
model.add(Flatten())
model.add(Dense(output_dim=64, init="he_normal"))
model.add(Activation("relu"))
model.add(Dropout(0.5))
model.add(Dense(nb_classes))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adadelta", metrics=["accuracy"])
print("learning rate", K.get_value(model.optimizer.lr))

model.fit(X_train, Y_train, batch_size=128, nb_epoch=nb_epoch, verbose=0)
score = model.evaluate(X_test, Y_test, verbose=0)
print("predicted", model.predict_classes(X_test[:5], verbose=0).tolist(), y_test[:5].tolist())
print(f"test accuracy {score[1]:.4f}")

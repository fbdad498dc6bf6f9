"""A Keras 1 style MNIST perceptron: np_utils.to_categorical, mnist.load_data, nb_epoch, lr=."""

from keras.datasets import mnist
from keras.layers.core import Activation, Dense, Dropout
from keras.models import Sequential
from keras.optimizers import RMSprop
from keras.utils import np_utils

nb_classes = 10
train_images = 12000  # a subset, for one short epoch

(X_train, y_train), (X_test, y_test) = mnist.load_data()
print("loaded", X_train.shape, X_train.dtype, y_train.shape, X_test.shape, y_test.shape)

X_train = X_train[:train_images].reshape(train_images, 784).astype("float32") / 255
X_test = X_test.reshape(len(X_test), 784).astype("float32") / 255
Y_train = np_utils.to_categorical(y_train[:train_images], nb_classes)
Y_test = np_utils.to_categorical(y_test, nb_classes)

model = Sequential()
model.add(Dense(256, input_shape=(784,)))
model.add(Activation("relu"))
model.add(Dropout(0.2))
model.add(Dense(nb_classes))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer=RMSprop(lr=0.001), metrics=["accuracy"])

model.fit(X_train, Y_train, batch_size=128, nb_epoch=1, verbose=0)
score = model.evaluate(X_test, Y_test, verbose=0)
print(f"test accuracy {score[1]:.4f}")

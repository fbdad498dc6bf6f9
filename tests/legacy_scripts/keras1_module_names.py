"""A Keras 1 MNIST convnet written against Keras 1's module names: keras.objectives for the loss,
keras.engine.topology for a custom layer, keras.layers.convolutional/core for the layers,
keras.utils.visualize_util for the diagram. argv: training images, epochs."""

import sys

from keras import backend as K
from keras import objectives
from keras.datasets import mnist
from keras.engine.topology import InputSpec, Layer
from keras.layers.convolutional import Convolution2D, MaxPooling2D
from keras.layers.core import Activation, Dense, Flatten
from keras.legacy import interfaces
from keras.models import Sequential
from keras.optimizers import Adadelta
from keras.utils import np_utils
from keras.utils.visualize_util import plot

train_images = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
nb_epoch = int(sys.argv[2]) if len(sys.argv) > 2 else 1


class Scale(Layer):
    """Multiplies its input by a learned scalar (a custom layer as Keras 1 wrote them)."""

    @interfaces.legacy_dense_support
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        self.alpha = self.add_weight(name="alpha", shape=(1,), initializer="ones")
        super().build(input_shape)

    def call(self, x, mask=None):
        return x * self.alpha

    def compute_output_shape(self, input_shape):
        return input_shape


def loss(y_true, y_pred):
    return objectives.categorical_crossentropy(y_true, y_pred)


(X_train, y_train), (X_test, y_test) = mnist.load_data()
X_train = X_train[:train_images].reshape(-1, 28, 28, 1).astype("float32") / 255
X_test = X_test.reshape(-1, 28, 28, 1).astype("float32") / 255
Y_train = np_utils.to_categorical(y_train[:train_images], 10)
Y_test = np_utils.to_categorical(y_test, 10)

model = Sequential()
model.add(Convolution2D(16, 3, 3, border_mode="valid", input_shape=(28, 28, 1)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Scale())
model.add(Dense(10))
model.add(Activation("softmax"))
model.compile(loss=loss, optimizer=Adadelta(), metrics=["accuracy"])
try:
    plot(model, to_file="model.png", show_shapes=True)
except ImportError as err:  # pydot and Graphviz are optional, as they were for Keras
    print("no diagram:", str(err).split("(")[0].strip())
print("backend", K.backend(), "loss is", objectives.categorical_crossentropy.__name__)

model.fit(X_train, Y_train, batch_size=128, nb_epoch=nb_epoch, verbose=0)
score = model.evaluate(X_test, Y_test, verbose=0)
print(f"test accuracy {score[1]:.4f}")

"""Prints what keras.datasets.cifar10.load_data() returns, as `name shape dtype` lines."""

from keras.datasets import cifar10

(x_train, y_train), (x_test, y_test) = cifar10.load_data()
arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
for name, array in arrays.items():
    print(name, "x".join(str(size) for size in array.shape), array.dtype, array.min(), array.max())

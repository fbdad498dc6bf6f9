"""The CIFAR-10 convnet of Keras 2.1/2.2's cifar10_cnn.py, trained on a subset: real-time data
augmentation with ImageDataGenerator, fit_generator with four worker threads and the test arrays
as validation data. argv: training images, epochs."""

import sys

import keras
from keras.datasets import cifar10
from keras.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from keras.models import Sequential
from keras.preprocessing.image import ImageDataGenerator

batch_size = 32
num_classes = 10
train_images = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1

(x_train, y_train), (x_test, y_test) = cifar10.load_data()
x_train, y_train = x_train[:train_images], y_train[:train_images]
print("x_train shape:", x_train.shape, "test samples:", x_test.shape[0])

y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = Sequential()
model.add(Conv2D(32, (3, 3), padding="same", input_shape=x_train.shape[1:]))
model.add(Activation("relu"))
model.add(Conv2D(32, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(256))
model.add(Activation("relu"))
model.add(Dropout(0.5))
model.add(Dense(num_classes))
model.add(Activation("softmax"))

opt = keras.optimizers.rmsprop(lr=0.001, decay=1e-6)
model.compile(loss="categorical_crossentropy", optimizer=opt, metrics=["accuracy"])

x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255

datagen = ImageDataGenerator(
    width_shift_range=0.1,
    height_shift_range=0.1,
    horizontal_flip=True,
)
datagen.fit(x_train)
history = model.fit_generator(
    datagen.flow(x_train, y_train, batch_size=batch_size),
    steps_per_epoch=x_train.shape[0] // batch_size,
    epochs=epochs,
    validation_data=(x_test, y_test),
    workers=4,
    verbose=2,
)
print("validated on", len(history.history["val_loss"]), "epochs")
scores = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {scores[1]:.4f}")

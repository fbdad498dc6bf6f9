"""DataSet and next_batch: the TF1 reader's in-memory data set, ported to NumPy.

Batches follow TF1's ``next_batch`` exactly, with two deliberate differences:

- Shuffling draws from a private ``numpy.random.Generator`` seeded from ``seed``, not from NumPy's
  global random state (which TF1 reseeded). Two data sets, or user code calling ``numpy.random``,
  therefore never disturb each other's order, and the global state is left alone.
- Batches are gathered through an index permutation instead of permuting a copy of the whole set
  each epoch, so ``images`` and ``labels`` keep their original order (TF1's properties showed the
  current shuffled order).

And one that changes no value: float32 images are scaled when first needed -- a batch at a time by
``next_batch``, the whole set on first use of ``images`` (kept from then on) -- so building the
data sets costs a copy of the raw bytes, not a float32 array four times their size.
"""

from __future__ import annotations

import collections

import numpy as np

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])

FAKE_IMAGE_SIZE = 784
_IMAGE_DTYPES = (np.dtype(np.uint8), np.dtype(np.float32))


def image_dtype(dtype) -> np.dtype:
    """``dtype`` as a NumPy dtype: uint8 or float32 (a TensorFlow DType too), else TypeError."""
    as_numpy = getattr(dtype, "as_numpy_dtype", None)  # tf.float32 / tf.uint8, without importing TF
    try:
        resolved = np.dtype(as_numpy if as_numpy is not None else dtype)
    except TypeError:
        resolved = None
    if resolved not in _IMAGE_DTYPES:
        raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
    return resolved


def dense_to_one_hot(labels_dense, num_classes: int) -> np.ndarray:
    """Class ids [N] -> float64 one-hot rows [N, num_classes], as TF1 returned them."""
    labels_dense = np.asarray(labels_dense)
    if labels_dense.size and (labels_dense.min() < 0 or labels_dense.max() >= num_classes):
        raise ValueError(
            f"labels must lie in 0-{num_classes - 1}; "
            f"found {labels_dense.min()}-{labels_dense.max()}"
        )
    num_labels = labels_dense.shape[0]
    labels_one_hot = np.zeros((num_labels, num_classes))
    labels_one_hot[np.arange(num_labels), labels_dense.ravel().astype(np.intp)] = 1
    return labels_one_hot


def _scaled(images: np.ndarray) -> np.ndarray:
    """``images`` as float32 in [0, 1], in one pass into a new array: each value converted to
    float32 and multiplied by float32(1/255), bit for bit TF1's astype, then multiply."""
    return np.multiply(images, np.float32(1.0 / 255.0), dtype=np.float32)


class DataSet:
    """Images and labels in memory, served in batches by ``next_batch``.

    ``images`` are raw pixel values 0-255 (uint8, [N, ...]). With ``dtype=float32`` they are scaled
    to [0, 1] by multiplying by 1/255 in float32, bit for bit as TF1 did; with ``dtype=uint8`` they
    are kept. ``reshape=True`` flattens each image ([N, 28, 28, 1] -> [N, 784]; CIFAR's [N, 32, 32,
    3] -> [N, 3072], channels last). ``seed`` seeds the private generator that shuffles batches
    (``None``: fresh entropy, as the unseeded tutorials were).

    ``fake_data=True`` makes TF1's fake set: ``num_examples`` 10,000, every batch images of 784 ones
    and label 0 (with ``one_hot``: 1 then nine 0s).
    """

    def __init__(
        self,
        images,
        labels,
        dtype=np.float32,
        reshape: bool = True,
        seed: int | None = None,
        *,
        fake_data: bool = False,
        one_hot: bool = False,
        _owned: bool = False,
    ):
        self._dtype = image_dtype(dtype)
        self._reshape = reshape
        self._rng = np.random.default_rng(seed)
        self._fake = fake_data
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
            images = np.asarray(images)
            labels = np.asarray(labels)
        else:
            images = np.asarray(images)
            labels = np.asarray(labels)
            if images.shape[0] != labels.shape[0]:
                raise ValueError(
                    f"images and labels disagree: images.shape {images.shape}, "
                    f"labels.shape {labels.shape}"
                )
            self._num_examples = images.shape[0]
            self.one_hot = labels.ndim == 2
            if reshape:
                images = images.reshape(images.shape[0], int(np.prod(images.shape[1:])))
            if self._dtype == np.float32:
                # Scaled later, from a copy: the caller's array is never used (unless it is the
                # reader's own, ``_owned``).
                images = images if _owned else images.copy()
        self._images = images  # unscaled; see _scaled
        self._scaled_images: np.ndarray | None = None
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0
        self._order: np.ndarray | None = None  # None: the original order

    @property
    def _scales(self) -> bool:
        return self._dtype == np.float32 and not self._fake

    @property
    def images(self) -> np.ndarray:
        if self._scales and self._scaled_images is None:
            self._scaled_images = _scaled(self._images)
        return self._scaled_images if self._scales else self._images

    def _take(self, rows) -> np.ndarray:
        """Images ``rows`` (a slice or index array), float32-scaled if the set is."""
        if not self._scales:
            return self._images[rows]
        if self._scaled_images is not None:
            return self._scaled_images[rows]
        return _scaled(self._images[rows])

    @property
    def labels(self) -> np.ndarray:
        return self._labels

    @property
    def num_examples(self) -> int:
        return self._num_examples

    @property
    def epochs_completed(self) -> int:
        return self._epochs_completed

    def _fake_batch(self, batch_size: int):
        if self._fake:
            shape = (FAKE_IMAGE_SIZE,) if self._reshape else (28, 28, 1)
            one_hot = self.one_hot
        else:
            shape = self._images.shape[1:]
            one_hot = self._labels.ndim == 2
        images = np.ones((batch_size, *shape), dtype=self._dtype)
        if one_hot:
            num_classes = self._labels.shape[1] if not self._fake else 10
            labels = np.zeros((batch_size, num_classes))
            labels[:, 0] = 1
        else:
            labels = np.zeros(batch_size, dtype=np.uint8)
        return images, labels

    def _positions(self, start: int, end: int) -> np.ndarray:
        if self._order is None:
            return np.arange(start, end)
        return self._order[start:end]

    def next_batch(self, batch_size: int, fake_data: bool = False, shuffle: bool = True):
        """The next ``batch_size`` examples, as TF1's reader served them.

        The first call of the first epoch (with ``shuffle``) permutes the whole set. A batch that
        runs past the end counts an epoch, keeps the rest of the old order, reshuffles (with
        ``shuffle``) and fills up from the start of the new order: every batch has exactly
        ``batch_size`` rows and no example is skipped or repeated within an epoch.
        """
        if fake_data or self._fake:
            return self._fake_batch(batch_size)
        if not 0 < batch_size <= self._num_examples:
            raise ValueError(
                f"batch_size must be between 1 and the {self._num_examples} examples of this set; "
                f"got {batch_size}"
            )
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._order = self._rng.permutation(self._num_examples)
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest = self._positions(start, self._num_examples)
            if shuffle:
                self._order = self._rng.permutation(self._num_examples)
            self._index_in_epoch = batch_size - rest.size
            index = np.concatenate((rest, self._positions(0, self._index_in_epoch)))
            return self._take(index), self._labels[index]
        self._index_in_epoch = end = start + batch_size
        if self._order is None:
            return self._take(slice(start, end)), self._labels[start:end]
        index = self._order[start:end]
        return self._take(index), self._labels[index]


def split_datasets(
    train, test, *, validation_size: int, num_classes: int | None, dtype, reshape: bool, seed
) -> Datasets:
    """``Datasets`` from (images, class ids) pairs, as TF1 built them: labels one-hot when
    ``num_classes`` is given, the first ``validation_size`` training examples carved off as the
    validation set."""
    (train_images, train_labels), (test_images, test_labels) = train, test
    if num_classes is not None:
        train_labels = dense_to_one_hot(train_labels, num_classes)
        test_labels = dense_to_one_hot(test_labels, num_classes)

    def data_set(images, labels) -> DataSet:
        # The readers' arrays are their own, made for this call: no copy needed.
        return DataSet(images, labels, dtype=dtype, reshape=reshape, seed=seed, _owned=True)

    return Datasets(
        train=data_set(train_images[validation_size:], train_labels[validation_size:]),
        validation=data_set(train_images[:validation_size], train_labels[:validation_size]),
        test=data_set(test_images, test_labels),
    )

"""DataSet.next_batch and friends: TF1's batching behaviour, on a private generator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tf1_tutorials.data import DataSet, dense_to_one_hot
from tf1_tutorials.data.dataset import image_dtype


def numbered(n: int, **kwargs) -> DataSet:
    """A set whose label i sits on image i (every pixel = i % 256): batches show which rows came."""
    images = (np.arange(n) % 256).astype(np.uint8)[:, None, None, None] * np.ones(
        (1, 2, 2, 1), np.uint8
    )
    kwargs.setdefault("dtype", np.uint8)
    return DataSet(images, np.arange(n), **kwargs)


def served(data: DataSet, batch_size: int, batches: int, shuffle: bool = True) -> np.ndarray:
    stream = []
    for _ in range(batches):
        images, labels = data.next_batch(batch_size, shuffle=shuffle)
        assert len(images) == len(labels) == batch_size
        assert (images.reshape(batch_size, -1)[:, 0] == labels % 256).all()  # rows stay paired
        stream.append(labels)
    return np.concatenate(stream)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 40),
    data=st.data(),
    seed=st.integers(0, 2**32 - 1),
    shuffle=st.booleans(),
)
def test_every_epoch_serves_each_example_exactly_once_in_full_batches(n, data, seed, shuffle):
    batch_size = data.draw(st.integers(1, n))
    batches = data.draw(st.integers(1, 4 * n // batch_size + 2))
    dataset = numbered(n, seed=seed)
    stream = served(dataset, batch_size, batches, shuffle)
    total = len(stream)
    # The served stream is whole epochs back to back: each run of n is a permutation of 0..n-1.
    for start in range(0, total - total % n, n):
        assert sorted(stream[start : start + n]) == list(range(n))
    if not shuffle:
        assert (stream == np.arange(total) % n).all()
    # TF1's count: an epoch counts when a batch runs past the end, not when one ends exactly on it.
    assert dataset.epochs_completed == (total - 1) // n


def test_first_call_shuffles_the_whole_set_and_each_epoch_reshuffles():
    dataset = numbered(1000, seed=0)
    first = served(dataset, 1000, 1)
    second = served(dataset, 1000, 1)
    assert not (first == np.arange(1000)).all()
    assert not (first == second).all()
    assert sorted(first) == sorted(second) == list(range(1000))


def test_a_batch_crossing_the_end_keeps_the_tail_then_fills_from_the_new_order():
    dataset = numbered(10, seed=3)
    first_epoch = served(dataset, 4, 2)  # 8 of 10
    crossing = served(dataset, 4, 1)
    assert dataset.epochs_completed == 1
    assert set(crossing[:2]) == set(range(10)) - set(first_epoch)  # the two not yet served
    rest_of_new_epoch = served(dataset, 8, 1)
    assert sorted(np.concatenate([crossing[2:], rest_of_new_epoch])) == list(range(10))


def test_same_seed_same_batches_and_numpy_global_state_is_neither_used_nor_disturbed():
    np.random.seed(1)
    before = np.random.get_state()[1].copy()
    a = served(numbered(50, seed=7), 7, 20)
    assert (np.random.get_state()[1] == before).all()
    np.random.seed(999)  # user code reseeding NumPy changes nothing
    b = served(numbered(50, seed=7), 7, 20)
    assert (a == b).all()
    assert not (a == served(numbered(50, seed=8), 7, 20)).all()


def test_two_data_sets_do_not_disturb_each_other():
    alone = served(numbered(30, seed=5), 4, 12)
    one, other = numbered(30, seed=5), numbered(30, seed=5)
    interleaved = []
    for _ in range(12):
        interleaved.append(one.next_batch(4)[1])
        other.next_batch(3)
    assert (np.concatenate(interleaved) == alone).all()


def test_images_and_labels_keep_their_original_order_while_batches_are_shuffled():
    dataset = numbered(20, seed=1)
    served(dataset, 7, 5)
    assert (dataset.labels == np.arange(20)).all()
    assert dataset.num_examples == 20


@pytest.mark.parametrize("batch_size", [0, -1, 11])
def test_batch_sizes_outside_one_to_the_set_size_are_refused(batch_size):
    with pytest.raises(ValueError, match="batch_size must be between 1 and the 10 examples"):
        numbered(10).next_batch(batch_size)


def test_float32_images_are_scaled_as_tf1_scaled_them_and_uint8_are_kept():
    raw = np.random.default_rng(0).integers(0, 256, (5, 28, 28, 1), dtype=np.uint8)
    scaled = DataSet(raw, np.zeros(5, np.uint8)).images
    assert scaled.dtype == np.float32 and scaled.shape == (5, 784)
    # TF1: images.astype(float32) then numpy.multiply(images, 1.0 / 255.0), in float32.
    assert (scaled == raw.reshape(5, 784).astype(np.float32) * np.float32(1.0 / 255.0)).all()
    assert scaled.min() >= 0 and scaled.max() <= 1
    kept = DataSet(raw, np.zeros(5, np.uint8), dtype=np.uint8, reshape=False).images
    assert kept.dtype == np.uint8 and kept.shape == (5, 28, 28, 1) and (kept == raw).all()
    assert raw.dtype == np.uint8  # the caller's array is untouched


def test_every_pixel_value_scales_bit_for_bit_as_tf1s_two_steps():
    every = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    tf1 = every.reshape(1, 256).astype(np.float32)
    tf1 = np.multiply(tf1, 1.0 / 255.0, dtype=np.float32)
    assert DataSet(every, np.zeros(1, np.uint8)).images.tobytes() == tf1.tobytes()
    as_float64 = every.astype(np.float64)  # float input: converted to float32 first, as TF1 did
    assert DataSet(as_float64, np.zeros(1, np.uint8)).images.tobytes() == tf1.tobytes()


def test_image_dtype_accepts_uint8_float32_and_tensorflow_dtypes_only():
    class FakeTFDType:  # what tf.float32 looks like to NumPy-only code
        as_numpy_dtype = np.float32

    assert image_dtype("uint8") == np.uint8
    assert image_dtype(FakeTFDType()) == np.float32
    for bad in (np.float64, np.int32, "float16", None, "nonsense"):
        with pytest.raises(TypeError, match="Invalid image dtype .* expected uint8 or float32"):
            DataSet(np.zeros((1, 784), np.uint8), np.zeros(1), dtype=bad)


def test_images_and_labels_must_agree_in_number():
    with pytest.raises(ValueError, match="images and labels disagree"):
        DataSet(np.zeros((3, 784), np.uint8), np.zeros(2))


def test_dense_to_one_hot_gives_float64_rows_and_refuses_out_of_range_labels():
    one_hot = dense_to_one_hot(np.array([0, 3, 9], np.uint8), 10)
    assert one_hot.dtype == np.float64 and one_hot.shape == (3, 10)
    assert (one_hot.argmax(axis=1) == [0, 3, 9]).all() and (one_hot.sum(axis=1) == 1).all()
    with pytest.raises(ValueError, match="labels must lie in 0-9"):
        dense_to_one_hot(np.array([10]), 10)


def test_fake_data_is_784_ones_and_label_zero_or_its_one_hot_row():
    fake = DataSet([], [], fake_data=True)
    images, labels = fake.next_batch(3)
    assert fake.num_examples == 10000
    assert images.shape == (3, 784) and (images == 1).all() and (labels == 0).all()
    _, one_hot = DataSet([], [], fake_data=True, one_hot=True).next_batch(2)
    assert one_hot.tolist() == [[1.0] + [0.0] * 9] * 2
    images, labels = numbered(4).next_batch(2, fake_data=True)  # a real set, asked for fake data
    assert images.shape == (2, 4) and (images == 1).all() and (labels == 0).all()


def test_an_empty_set_is_allowed_as_tf1_allowed_validation_size_zero():
    empty = DataSet(np.zeros((0, 28, 28, 1), np.uint8), np.zeros(0, np.uint8))
    assert empty.images.shape == (0, 784) and empty.num_examples == 0
    with pytest.raises(ValueError, match="between 1 and the 0 examples"):
        empty.next_batch(1)


def test_batches_are_the_same_whether_or_not_images_was_read_first():
    raw = np.random.default_rng(1).integers(0, 256, (30, 28, 28, 1), dtype=np.uint8)
    labels = np.arange(30, dtype=np.uint8) % 10
    lazy, eager = DataSet(raw, labels, seed=4), DataSet(raw, labels, seed=4)
    whole = eager.images  # scaled once, up front
    for _ in range(7):  # batches of 8 over 30: wraps past the end of an epoch three times
        (a, la), (b, lb) = lazy.next_batch(8), eager.next_batch(8)
        assert a.dtype == np.float32 and a.tobytes() == b.tobytes() and (la == lb).all()
    assert lazy.images.tobytes() == whole.tobytes()
    raw[:] = 0  # the caller's array, changed afterwards, changes nothing
    assert DataSet(raw, labels).images.max() == 0 and lazy.images.tobytes() == whole.tobytes()

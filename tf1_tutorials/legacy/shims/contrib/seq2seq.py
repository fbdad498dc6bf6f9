"""``tf.contrib.seq2seq`` for legacy scripts: ``sequence_loss``, rebuilt on tf.compat.v1.

The course RNN labs of the TF1 era (char-RNNs, "hihello") train with ``sequence_loss``; its
decoders and attention wrappers left with tf.contrib and are not provided (registry.py).
"""

from __future__ import annotations


def sequence_loss(
    logits,
    targets,
    weights,
    average_across_timesteps=True,
    average_across_batch=True,
    sum_over_timesteps=False,
    sum_over_batch=False,
    softmax_loss_function=None,
    name=None,
):
    """TF1's weighted cross-entropy of ``logits`` [batch, time, classes] against ``targets``
    [batch, time] (class ids), with ``weights`` [batch, time].

    As in TF 1.15: both averages (the default) give a scalar, the weighted sum over the sum of
    the weights (the log-perplexity per symbol); both "sums" the weighted sum over the number of
    non-zero weights; otherwise an average (or else a "sum") over one axis only, batch first,
    keeps the other; with none of them, the weighted losses themselves, [batch, time].
    """
    from tf1_tutorials.tf import load_v1

    tf = load_v1()
    ranks = ((logits, 3, "Logits"), (targets, 2, "Targets"), (weights, 2, "Weights"))
    for tensor, rank, what in ranks:
        if len(tensor.get_shape()) != rank:
            dims = "batch_size x sequence_length" + (" x logits" if rank == 3 else "")
            raise ValueError(f"{what} must be a [{dims}] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot both be True")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot both be True")
    with tf.name_scope(name, "sequence_loss", [logits, targets, weights]):
        flat_logits = tf.reshape(logits, [-1, tf.shape(logits)[2]])
        flat_targets = tf.reshape(targets, [-1])
        loss_function = softmax_loss_function or tf.nn.sparse_softmax_cross_entropy_with_logits
        losses = loss_function(labels=flat_targets, logits=flat_logits)
        losses = tf.reshape(losses * tf.reshape(weights, [-1]), tf.shape(logits)[:2])
        if average_across_batch and average_across_timesteps:
            return tf.div_no_nan(tf.reduce_sum(losses), tf.reduce_sum(weights))
        if sum_over_batch and sum_over_timesteps:
            return tf.div_no_nan(tf.reduce_sum(losses), _nonzero(tf, weights, None, losses.dtype))
        if average_across_batch or average_across_timesteps:  # one axis; the other is kept
            axis = 0 if average_across_batch else 1
            total = tf.reduce_sum(losses, axis=axis)
            return tf.div_no_nan(total, tf.reduce_sum(weights, axis=axis))
        if sum_over_batch or sum_over_timesteps:
            axis = 0 if sum_over_batch else 1
            total = tf.reduce_sum(losses, axis=axis)
            return tf.div_no_nan(total, _nonzero(tf, weights, axis, losses.dtype))
        return losses


def _nonzero(tf, weights, axis, dtype):
    return tf.cast(tf.count_nonzero(weights, axis=axis), dtype)

"""``tf.contrib.factorization`` for legacy scripts: ``KMeans``, the graph-building API.

TensorFlow still has the class (``tensorflow.python.ops.clustering_ops.KMeans``, whose
``training_graph()`` returns TF 1.15's tuple: ``all_scores, cluster_idx, scores,
cluster_centers_initialized, init_op, training_op``). One thing differs: TF 1.15's contrib class
seeded its initial-centre sampling with ``random_seed`` as given (0 by default), TensorFlow 2's
with the seed ``get_seed`` derives from it (87654321 without a graph seed), so the same script
started from other centres. Here ``random_seed`` is used as TF 1.15 used it. KMeansClustering
(the Estimator), GMM and WALS are not provided (registry.py).
"""

from __future__ import annotations

from tensorflow.python.ops import clustering_ops
from tensorflow.python.ops.clustering_ops import (
    COSINE_DISTANCE,
    KMC2_INIT,
    KMEANS_PLUS_PLUS_INIT,
    RANDOM_INIT,
    SQUARED_EUCLIDEAN_DISTANCE,
)

__all__ = [
    "COSINE_DISTANCE",
    "KMC2_INIT",
    "KMEANS_PLUS_PLUS_INIT",
    "RANDOM_INIT",
    "SQUARED_EUCLIDEAN_DISTANCE",
    "KMeans",
]


class KMeans(clustering_ops.KMeans):
    """TF 1.15's ``tf.contrib.factorization.KMeans``: its arguments, its seeding."""

    def __init__(
        self,
        inputs,
        num_clusters,
        initial_clusters=RANDOM_INIT,
        distance_metric=SQUARED_EUCLIDEAN_DISTANCE,
        use_mini_batch=False,
        mini_batch_steps_per_iteration=1,
        random_seed=0,
        kmeans_plus_plus_num_retries=2,
        kmc2_chain_length=200,
    ):
        super().__init__(
            inputs,
            num_clusters,
            initial_clusters=initial_clusters,
            distance_metric=distance_metric,
            use_mini_batch=use_mini_batch,
            mini_batch_steps_per_iteration=mini_batch_steps_per_iteration,
            random_seed=random_seed,
            kmeans_plus_plus_num_retries=kmeans_plus_plus_num_retries,
            kmc2_chain_length=kmc2_chain_length,
        )
        self._seed = random_seed  # as TF 1.15 passed it to the initialisation ops

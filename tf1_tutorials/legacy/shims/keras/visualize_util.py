"""``keras.utils.visualize_util`` (Keras 1) and ``keras.utils.vis_utils`` (Keras 2.0-2.2).

``plot(model, to_file=...)`` was Keras 1's name for ``plot_model``; both, and ``model_to_dot``, are
tf-keras's, which need pydot and Graphviz as Keras's did.
"""

from __future__ import annotations

from tf_keras.src.utils.vis_utils import model_to_dot, plot_model

plot = plot_model

__all__ = ["model_to_dot", "plot", "plot_model"]
